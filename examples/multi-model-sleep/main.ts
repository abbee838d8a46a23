import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Backend, ColdStartOptimizedModel, Engine, GpuOptions, ModelSize, Precision, Profile, WeightSource,
} from 'cdk8s-coldstart';

// Digests are examples of the form a real pin takes; replace them with the
// digests of the images your registry serves (`crane digest <image>`).
const VLLM_IMAGE = 'docker.io/vllm/vllm-openai@sha256:6b0c7ea5e0bd7b3ab2e1ba4f6f2d0c1bc7d6b7e4fb0d1f35e2a0c6f1c9f8e7d2';
/** Any nginx that runs as non-root; it only forwards the public routes to the engine. */
const PROXY_IMAGE = 'docker.io/nginxinc/nginx-unprivileged@sha256:9e3a1f7c2b5d8e4f6a0c3b7d1e9f2a5c8b4d7e0f3a6c9b2d5e8f1a4c7b0d3e6f';

/** One GPU node class for both models: the same selector and the default GPU toleration. */
const L4: GpuOptions = { count: 1, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' } };

/**
 * Two small models on the same GPU node class, each kept up (production) and
 * put to sleep when idle instead of being scaled to zero: a level-1 wake
 * takes seconds, a cold start minutes. The weights sit on one shared claim.
 */
export class MultiModelSleep extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    const models: Array<[string, string, string]> = [
      ['chat', 'qwen2.5-1.5b-instruct', 'qwen2.5-1.5b-instruct'],
      ['coder', 'qwen2.5-coder-1.5b-instruct', 'qwen2.5-coder-1.5b-instruct'],
    ];
    for (const [modelId, servedModelName, dir] of models) {
      new ColdStartOptimizedModel(this, modelId, {
        servedModelName,
        weights: WeightSource.existingClaim('models', { subPath: dir }),
        engine: Engine.vllm({ image: VLLM_IMAGE }),
        size: ModelSize.fromParameters(1.5e9, Precision.BF16),
        gpu: L4,
        profile: Profile.production(),
        // Sleep mode keeps the pod: only the Deployment backend puts the sleep-mode proxy in front of the Service.
        backend: Backend.deployment(),
        runtime: {
          sleepMode: { proxyImage: PROXY_IMAGE },
          // Both engines fit awake on one GPU when the device plugin shares it: 0.4 + 0.4 stays within 0.8.
          gpuMemoryUtilization: 0.4,
        },
      });
    }
  }
}

export function build(): App {
  const app = new App();
  new MultiModelSleep(app, 'multi-model-sleep', { namespace: 'llm' });
  return app;
}

if (require.main === module) {
  build().synth();
}
