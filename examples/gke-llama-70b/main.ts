import { App, Chart, Size } from 'cdk8s';
import {
  Backend, CacheNodeGroup, Cloud, ColdStartOptimizedModel, Engine, KnativeFeature, LocalModelCacheFallback, ModelSize, Precision, Profile,
  WeightSource,
} from 'cdk8s-coldstart';

// An example digest of the form a real pin takes; replace it with the digest
// of the image your registry serves (`crane digest <image>`). The image sits in
// an Artifact Registry repository in the cluster's region (rule CS-IMG-003
// reports any regional registry elsewhere).
const VLLM_IMAGE = 'us-central1-docker.pkg.dev/example-project/serving/vllm-openai@sha256:6b0c7ea5e0bd7b3ab2e1ba4f6f2d0c1bc7d6b7e4fb0d1f35e2a0c6f1c9f8e7d2';

/**
 * Llama-3.1-70B-Instruct in bf16 (~140 GB), tensor parallel 4 on H100s, in
 * production on GKE, with every lever:
 * - weight load: KServe downloads the weights once per node onto local NVMe
 *   (LocalModelCache); `cdk8s synth` writes the node group and the cache
 *   before the InferenceService, which KServe matches to the cache at admission;
 * - image pull: a pre-pull DaemonSet for the engine image on the GPU nodes,
 *   image streaming, and a secondary boot disk that already holds the image;
 * - node 0->1: a ComputeClass (Spot H100 first, on-demand next, node pools
 *   created on demand) that the model, its warm buffer and its pre-pull
 *   DaemonSet all select; the buffer holds one 4-GPU slot at priority -10 that
 *   the model (priority 1000) preempts on wake;
 * - runtime: CUDA graphs and compile (production), a persistent compile cache,
 *   16Gi /dev/shm for tensor parallelism, warmup before ready.
 */
export function build(): App {
  const app = new App();
  const chart = new Chart(app, 'gke-llama-70b', { namespace: 'llm' });
  new ColdStartOptimizedModel(chart, 'llama', {
    name: 'llama-70b',
    servedModelName: 'llama-3.1-70b-instruct',
    weights: WeightSource.localModelCache('hf://meta-llama/Llama-3.1-70B-Instruct', {
      // The node directory your node image mounts the local NVMe disks at.
      nodeGroup: CacheNodeGroup.localNvme({ name: 'h100-nvme', path: '/mnt/nvme/models', storageLimit: Size.gibibytes(500) }),
      // Holds the HF token KServe's download job uses for the gated repository.
      serviceAccountName: 'hf-model-reader',
      // A pod on a node whose copy is not finished fetches the model itself, with this Secret in the
      // model's namespace, into an emptyDir: the node needs ~154 GB of free ephemeral storage.
      fallback: LocalModelCacheFallback.fetch({ token: { name: 'hf-token', key: 'token' } }),
    }),
    engine: Engine.vllm({ image: VLLM_IMAGE }),
    size: ModelSize.fromParameters(70e9, Precision.BF16),
    gpu: { count: 4 },
    profile: Profile.production({ cloud: Cloud.gke({ region: 'us-central1' }) }),
    capacity: {
      gke: { computeClass: { gpuType: 'nvidia-h100-80gb', machineFamily: 'a3' } },
      warmBuffer: { replicas: 1 },
    },
    imagePull: {
      prePull: true,
      gke: { imageStreaming: true, secondaryBootDisks: [{ diskImageName: 'vllm-image-cache' }] },
    },
    // The flags this pod spec needs; rule CS-KSV-002 warns about any that is not declared here.
    backend: Backend.kserveKnative({
      enabledFeatures: [
        KnativeFeature.NODE_SELECTOR, KnativeFeature.TOLERATIONS, KnativeFeature.PRIORITY_CLASS_NAME,
        KnativeFeature.PERSISTENT_VOLUME_CLAIM, KnativeFeature.PERSISTENT_VOLUME_WRITE,
        // The LocalModelCache fallback's check-or-fetch init container.
        KnativeFeature.INIT_CONTAINERS,
        // fsGroup hands the compile cache claim to a non-root engine (Pod Security restricted).
        KnativeFeature.SECURITY_CONTEXT,
      ],
    }),
  });
  return app;
}

if (require.main === module) {
  build().synth();
}
