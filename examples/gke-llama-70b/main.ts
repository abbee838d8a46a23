import { App, Chart } from 'cdk8s';
import {
  Backend, Cloud, ColdStartOptimizedModel, Engine, KnativeFeature, ModelSize, Precision, Profile, WeightSource,
} from 'cdk8s-coldstart';

// Digests are examples of the form a real pin takes; replace them with the
// digests of the images your registry serves (`crane digest <image>`). Both
// images sit in an Artifact Registry repository in the cluster's region
// (rule CS-IMG-003 reports any regional registry elsewhere).
const VLLM_IMAGE = 'us-central1-docker.pkg.dev/example-project/serving/vllm-openai@sha256:6b0c7ea5e0bd7b3ab2e1ba4f6f2d0c1bc7d6b7e4fb0d1f35e2a0c6f1c9f8e7d2';
const LLAMA_MODELCAR = 'us-central1-docker.pkg.dev/example-project/models/llama-3.1-70b-instruct@sha256:9a4e1c7b3d5f60718293a4b5c6d7e8f90123456789abcdef0fedcba987654321';

/**
 * Llama-3.1-70B-Instruct in bf16 (~140 GB) as an OCI modelcar, tensor parallel
 * over 4 H100s, production profile on GKE:
 * - node 0->1: a ComputeClass (Spot H100 first, on-demand next, node pools
 *   created on demand) that the model, its warm buffer and its pre-pull
 *   DaemonSet all select; the buffer holds one 4-GPU slot at priority -10
 *   that the model (priority 1000) preempts on wake;
 * - image pull: a pre-pull DaemonSet for the engine and modelcar images on
 *   those nodes, image streaming, and a secondary boot disk that already holds
 *   the vLLM image.
 */
export function build(): App {
  const app = new App();
  const chart = new Chart(app, 'gke-llama-70b', { namespace: 'llm' });
  new ColdStartOptimizedModel(chart, 'llama', {
    name: 'llama-70b',
    servedModelName: 'llama-3.1-70b-instruct',
    weights: WeightSource.modelcar(LLAMA_MODELCAR),
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
      ],
    }),
  });
  return app;
}

if (require.main === module) {
  build().synth();
}
