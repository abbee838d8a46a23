import { App, Chart, ChartProps, Size } from 'cdk8s';
import {
  Backend, Cloud, ColdStartOptimizedModel, Engine, ModelSize, Profile, WeightSource,
} from 'cdk8s-coldstart';
import { Construct } from 'constructs';

// Digests are examples of the form a real pin takes; replace them with the
// digests of the images your registry serves (`crane digest <image>`).
const VLLM_IMAGE = 'docker.io/vllm/vllm-openai@sha256:6b0c7ea5e0bd7b3ab2e1ba4f6f2d0c1bc7d6b7e4fb0d1f35e2a0c6f1c9f8e7d2';

/**
 * Mistral-7B-Instruct-v0.2 AWQ (3.9 GB) on EKS, served by a plain Deployment:
 * the weights are read from a shared volume instead of downloaded from the
 * Hub at every start (~14 min -> ~1-2 min), fully offline, streamed.
 */
export class EksMistralEfs extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new ColdStartOptimizedModel(this, 'mistral', {
      servedModelName: 'mistral-7b-instruct-v0.2-awq',
      // The claim that holds the model files (an EFS access point, filled once by a loader Job).
      weights: WeightSource.existingClaim('mistral-weights', { subPath: 'mistral-7b-instruct-v0.2-awq' }),
      engine: Engine.vllm({ image: VLLM_IMAGE }),
      // AWQ weights: 3.9 GB on disk; vLLM reads the quantization from the model's config.
      size: ModelSize.of(Size.mebibytes(3720)),
      gpu: { count: 1, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-A10G' } },
      profile: Profile.production({ cloud: Cloud.eks({ region: 'us-east-1' }) }),
      backend: Backend.deployment(),
    });
  }
}

export function build(): App {
  const app = new App();
  new EksMistralEfs(app, 'eks-mistral-efs', { namespace: 'llm' });
  return app;
}

if (require.main === module) {
  build().synth();
}
