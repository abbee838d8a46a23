import { App, Chart, ChartProps } from 'cdk8s';
import { Construct } from 'constructs';
import {
  Backend, CacheAccessMode, CacheStorage, Cloud, ColdStartOptimizedModel, DeploymentAutoscaler, Engine, ModelSize, Precision, Profile,
  SharedVolume, WeightLoader, WeightSource,
} from 'cdk8s-coldstart';

// An example digest of the form a real pin takes; replace it with the digest
// your registry serves (`crane digest <image>`), and `nfs` with a StorageClass
// of your cluster that offers ReadWriteMany (NFS, CephFS, Filestore ...).
const VLLM_IMAGE = 'registry.example.com/serving/vllm-openai@sha256:6b0c7ea5e0bd7b3ab2e1ba4f6f2d0c1bc7d6b7e4fb0d1f35e2a0c6f1c9f8e7d2';
const RWX_CLASS = 'nfs';

/**
 * Llama-3.1-70B-Instruct in bf16 (~140 GB), tensor parallel 4, on any
 * cluster with a ReadWriteMany StorageClass, with the two one-time Jobs of
 * issue #19 working together:
 * - weight load: a loader Job downloads the repository once onto a shared
 *   volume; a sharding Job (4 GPUs, the model's own pod) then saves vLLM's
 *   sharded state there, so at wake each rank streams only its quarter
 *   (`--load-format runai_streamer_sharded`);
 * - runtime: a seeding Job runs the same pod until `/health`, which fills the
 *   shared compile cache (torch.compile artifacts, keyed by the exact engine
 *   config) before the model exists, so even the first wake loads compiled
 *   graphs instead of compiling; CUDA graphs are still captured at every start;
 * - order: claim, loader, sharder, seeder, model: cdk8s writes them in that
 *   order and Argo CD applies them in that many sync waves, waiting for each
 *   Job to complete.
 * The trade-off: both Jobs hold four GPUs for minutes, once per engine
 * config (a new image digest or engine flag re-runs them); they pay off when
 * the model scales from zero often.
 */
export class SharedLlama70bSeeded extends Chart {
  constructor(scope: Construct, id: string, props: ChartProps = {}) {
    super(scope, id, props);
    new ColdStartOptimizedModel(this, 'llama', {
      name: 'llama-70b',
      servedModelName: 'llama-3.1-70b-instruct',
      weights: WeightSource.huggingFace(
        // Pin a commit: every Job and replica then caches the same bytes.
        { repoId: 'meta-llama/Llama-3.1-70B-Instruct', revision: '945c8663693130f8be2ee66210e062158b2a9693', token: { name: 'hf-token', key: 'token' } },
        { volume: SharedVolume.newClaim({ storageClassName: RWX_CLASS }), loader: WeightLoader.shardedState({ streamer: {} }) },
      ),
      engine: Engine.vllm({ image: VLLM_IMAGE }),
      size: ModelSize.fromParameters(70e9, Precision.BF16),
      gpu: { count: 4, nodeSelector: { 'nvidia.com/gpu.product': 'NVIDIA-H100-80GB-HBM3' } },
      profile: Profile.production({ cloud: Cloud.generic() }),
      runtime: {
        // The seeding Job and every replica mount the engine cache from different nodes.
        cache: CacheStorage.persistentVolumeClaim({ accessMode: CacheAccessMode.READ_WRITE_MANY, storageClassName: RWX_CLASS }),
        compileCacheSeed: {},
      },
      // Clients call http://llama-70b-wake.llm:8080; the interceptor holds the first request for the whole wake.
      backend: Backend.deployment({ autoscaler: DeploymentAutoscaler.kedaHttpAddOn() }),
      scaling: { minReplicas: 0, maxReplicas: 2 },
      argoCdSyncWaves: true,
    });
  }
}

export function build(): App {
  const app = new App();
  new SharedLlama70bSeeded(app, 'shared-llama-70b-seeded', { namespace: 'llm' });
  return app;
}

if (require.main === module) {
  build().synth();
}
