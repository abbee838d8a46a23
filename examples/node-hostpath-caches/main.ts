import { App, Chart, ChartProps, Size } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Backend, ColdStartOptimizedModel, Engine, GpuOptions, KnativeFeature, ModelSize, Precision, Profile, WeightSource,
} from 'cdk8s-coldstart';

// Digests are examples of the form a real pin takes; replace them with the
// digests of the images your registry serves (`crane digest <image>`).
const VLLM_IMAGE = 'docker.io/vllm/vllm-openai@sha256:6b0c7ea5e0bd7b3ab2e1ba4f6f2d0c1bc7d6b7e4fb0d1f35e2a0c6f1c9f8e7d2';

/** One GPU node class for both models: the same selector and the default GPU toleration. */
const L4: GpuOptions = { count: 1, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' } };

/**
 * Both models share one node directory, so they share its bound: the library
 * keeps each model's current revision there and prunes the rest to 100 GiB.
 */
const NODE_CACHE = { hostPath: '/var/lib/cdk8s-coldstart/models', sizeLimit: Size.gibibytes(100) };

/**
 * The Knative flags these pods need (rule CS-KSV-002 warns about any left
 * out): the hostPath volume and the init container, the compile-cache claim
 * the production profile adds, and a pod securityContext so the engine runs as
 * uid 1000 rather than root.
 */
const KNATIVE = Backend.kserveKnative({
  enabledFeatures: [
    KnativeFeature.NODE_SELECTOR, KnativeFeature.TOLERATIONS, KnativeFeature.PRIORITY_CLASS_NAME, KnativeFeature.INIT_CONTAINERS,
    KnativeFeature.HOST_PATH, KnativeFeature.PERSISTENT_VOLUME_CLAIM, KnativeFeature.PERSISTENT_VOLUME_WRITE, KnativeFeature.SECURITY_CONTEXT,
  ],
});

/**
 * The two alternatives to KServe's LocalModelCache, one per model, on the same
 * L4 nodes: the weights come from the Hugging Face Hub once per node and
 * every later wake reads the node's disk.
 *
 * - `chat` (Qwen2.5-7B-Instruct, public): the model pod's own init container
 *   downloads on the node's first wake.
 * - `assistant` (Llama-3.1-8B-Instruct, gated): a DaemonSet downloads as soon
 *   as a node joins, before any wake; the model pod only waits for it.
 */
export class NodeHostPathCaches extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new ColdStartOptimizedModel(this, 'chat', {
      servedModelName: 'qwen2.5-7b-instruct',
      // Pin the commit, so every node caches the same bytes and an update is one visible change.
      weights: WeightSource.hostPathCache({ repoId: 'Qwen/Qwen2.5-7B-Instruct', revision: 'a09a35458c702b33eeacc393d103063234e8bc28' }, NODE_CACHE),
      engine: Engine.vllm({ image: VLLM_IMAGE }),
      size: ModelSize.fromParameters(7.62e9, Precision.BF16),
      gpu: L4,
      profile: Profile.production(),
      backend: KNATIVE,
    });
    new ColdStartOptimizedModel(this, 'assistant', {
      servedModelName: 'llama-3.1-8b-instruct',
      // Gated: the token reaches only the DaemonSet's downloader, never the engine.
      weights: WeightSource.prefetch({
        repoId: 'meta-llama/Llama-3.1-8B-Instruct',
        revision: '0e9e39f249a16976918f6564b8830bc894c89659',
        token: { name: 'hf-token', key: 'token' },
      }, NODE_CACHE),
      engine: Engine.vllm({ image: VLLM_IMAGE }),
      size: ModelSize.fromParameters(8.03e9, Precision.BF16),
      gpu: L4,
      profile: Profile.production(),
      backend: KNATIVE,
    });
  }
}

export function build(): App {
  const app = new App();
  new NodeHostPathCaches(app, 'node-hostpath-caches', { namespace: 'llm' });
  return app;
}

if (require.main === module) {
  build().synth();
}
