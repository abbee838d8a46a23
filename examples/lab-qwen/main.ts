import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Backend, ColdStartOptimizedModel, Engine, KnativeFeature, ModelSize, Precision, Profile, WeightSource,
} from 'cdk8s-coldstart';

// Digests are examples of the form a real pin takes; replace them with the
// digests of the images your registry serves (`crane digest <image>`).
const VLLM_IMAGE = 'docker.io/vllm/vllm-openai@sha256:6b0c7ea5e0bd7b3ab2e1ba4f6f2d0c1bc7d6b7e4fb0d1f35e2a0c6f1c9f8e7d2';
const QWEN_MODELCAR = 'ghcr.io/example-org/models/qwen2.5-0.5b-instruct@sha256:3f1d2c4b5a69788796a5b4c3d2e1f0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3';

/** Qwen2.5-0.5B-Instruct as an OCI modelcar on one L4, lab profile: scales to zero. */
export class LabQwen extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new ColdStartOptimizedModel(this, 'qwen', {
      servedModelName: 'qwen2.5-0.5b-instruct',
      weights: WeightSource.modelcar(QWEN_MODELCAR),
      engine: Engine.vllm({ image: VLLM_IMAGE }),
      size: ModelSize.fromParameters(0.5e9, Precision.BF16),
      gpu: { count: 1, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-L4' } },
      profile: Profile.lab(),
      // The flags this pod spec needs; rule CS-KSV-002 warns about any that is not declared here.
      backend: Backend.kserveKnative({
        enabledFeatures: [KnativeFeature.NODE_SELECTOR, KnativeFeature.TOLERATIONS, KnativeFeature.PRIORITY_CLASS_NAME],
      }),
    });
  }
}

export function build(): App {
  const app = new App();
  new LabQwen(app, 'lab-qwen', { namespace: 'llm' });
  return app;
}

if (require.main === module) {
  build().synth();
}
