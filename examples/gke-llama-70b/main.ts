import { App, Chart, Size } from 'cdk8s';
import {
  Backend, CacheNodeGroup, Cloud, ColdStartOptimizedModel, Engine, KnativeFeature, ModelSize, Precision, Profile, WeightSource,
} from 'cdk8s-coldstart';

// An example digest of the form a real pin takes; replace it with the digest
// of the image your registry serves (`crane digest <image>`).
const VLLM_IMAGE = 'docker.io/vllm/vllm-openai@sha256:6b0c7ea5e0bd7b3ab2e1ba4f6f2d0c1bc7d6b7e4fb0d1f35e2a0c6f1c9f8e7d2';

/**
 * Llama-3.1-70B-Instruct in bf16 (~140 GB), tensor parallel 4 on H100s, in
 * production on GKE. KServe downloads the weights once per node onto local
 * NVMe (LocalModelCache); `cdk8s synth` writes the node group and the cache
 * before the InferenceService, which KServe matches to the cache at admission.
 */
export function build(): App {
  const app = new App();
  const chart = new Chart(app, 'gke-llama-70b', { namespace: 'llm' });
  new ColdStartOptimizedModel(chart, 'llama', {
    servedModelName: 'llama-3.1-70b-instruct',
    weights: WeightSource.localModelCache('hf://meta-llama/Llama-3.1-70B-Instruct', {
      // The node directory your node image mounts the local NVMe disks at.
      nodeGroup: CacheNodeGroup.localNvme({ name: 'h100-nvme', path: '/mnt/nvme/models', storageLimit: Size.gibibytes(500) }),
      // Holds the HF token KServe's download job uses for the gated repository.
      serviceAccountName: 'hf-model-reader',
    }),
    engine: Engine.vllm({ image: VLLM_IMAGE }),
    size: ModelSize.fromParameters(70e9, Precision.BF16),
    gpu: { count: 4, nodeSelector: { 'cloud.google.com/gke-accelerator': 'nvidia-h100-80gb' } },
    profile: Profile.production({ cloud: Cloud.gke({ region: 'us-central1' }) }),
    // The flags this pod spec needs; rule CS-KSV-002 warns about any that is not declared here.
    backend: Backend.kserveKnative({
      enabledFeatures: [KnativeFeature.NODE_SELECTOR, KnativeFeature.TOLERATIONS, KnativeFeature.PRIORITY_CLASS_NAME, KnativeFeature.PERSISTENT_VOLUME_CLAIM, KnativeFeature.PERSISTENT_VOLUME_WRITE],
    }),
  });
  return app;
}

if (require.main === module) {
  build().synth();
}
