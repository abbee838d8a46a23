import { App, Chart, ChartProps, Size } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Backend, Cloud, ColdStartOptimizedModel, DeploymentAutoscaler, Engine, ModelSize, Profile, SharedVolume, WeightSource,
} from 'cdk8s-coldstart';

// Digests, ids and names are examples of the form real ones take; replace them
// with the digest your registry serves (`crane digest <image>`), your EFS file
// system, your Karpenter node role and discovery tag, and the EBS snapshot
// your image-cache pipeline made.
const VLLM_IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/vllm-openai@sha256:6b0c7ea5e0bd7b3ab2e1ba4f6f2d0c1bc7d6b7e4fb0d1f35e2a0c6f1c9f8e7d2';

/**
 * Mistral-7B-Instruct-v0.2 AWQ (3.9 GB) on EKS, served by a plain Deployment:
 * - weight load: a loader Job downloads the repository once onto a shared EFS
 *   volume; every pod then reads it offline through the streamer, instead of
 *   downloading from the Hub at every start (~14 min -> ~1-2 min);
 * - image pull: the vLLM image comes from in-region ECR, and the Bottlerocket
 *   data volume of every GPU node starts from an EBS snapshot that already
 *   holds it (~90 s -> ~10 s);
 * - node 0->1: a Karpenter GPU NodePool (WhenEmpty, never expired), the
 *   pods marked do-not-disrupt, and a warm buffer holding one A10G;
 * - runtime: CUDA graphs and compile with a persistent compile cache, warmup
 *   before ready;
 * - scale from zero: the KEDA HTTP add-on's interceptor holds the first
 *   request while the model wakes, and KEDA scales the Deployment from 0 to 1.
 */
export class EksMistralEfs extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new ColdStartOptimizedModel(this, 'mistral', {
      servedModelName: 'mistral-7b-instruct-v0.2-awq',
      weights: WeightSource.huggingFace(
        { repoId: 'TheBloke/Mistral-7B-Instruct-v0.2-AWQ' },
        { volume: SharedVolume.efs({ fileSystemId: 'fs-0123456789abcdef0', size: Size.gibibytes(20) }) },
      ),
      engine: Engine.vllm({ image: VLLM_IMAGE }),
      // AWQ weights: 3.9 GB on disk; vLLM reads the quantization from the model's config.
      size: ModelSize.of(Size.mebibytes(3720)),
      gpu: { count: 1 },
      profile: Profile.production({ cloud: Cloud.eks({ region: 'us-east-1' }) }),
      capacity: {
        eks: {
          nodePool: {
            instanceTypes: ['g5.xlarge', 'g5.2xlarge'],
            nodeRole: 'KarpenterNodeRole-llm',
            selectorTags: { 'karpenter.sh/discovery': 'llm' },
          },
        },
        warmBuffer: { replicas: 1 },
      },
      imagePull: { eks: { dataVolumeSnapshotId: 'snap-0123456789abcdef0', dataVolumeSize: Size.gibibytes(100) } },
      // Clients call http://mistral-wake.llm:8080; the interceptor waits up to the wake deadline.
      backend: Backend.deployment({ autoscaler: DeploymentAutoscaler.kedaHttpAddOn() }),
      // One replica at most: the compile cache is a ReadWriteOnce claim.
      scaling: { minReplicas: 0, maxReplicas: 1 },
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
