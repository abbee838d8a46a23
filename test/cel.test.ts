import { spawnSync } from 'child_process';
import { join } from 'path';
import { Duration, Size } from 'cdk8s';
import {
  AdapterVolume, Backend, CacheNodeGroup, Cloud, DeploymentAutoscaler, GkeReservationAffinity, KnativeFeature, LocalModelCacheScope, PreWarmSchedule,
  Profile, WarmBufferMode, Weekday, WeightSource,
} from '../src';
import { synth } from './util';

/**
 * The CRDs' x-kubernetes-validations (CEL) on every custom resource kind the
 * library writes, evaluated as the API server does at create (test/cel/validate.mjs).
 */
function celOf(objects: any[]): { objects: number; checked: number; failures: string[]; errors: string[] } {
  const run = spawnSync(process.execPath, [join(__dirname, 'cel', 'validate.mjs')], {
    input: JSON.stringify({ crdRoot: join(__dirname, '..', 'imports', 'sources', 'crds'), objects }),
    encoding: 'utf8',
  });
  if (run.status !== 0) throw new Error(run.stderr);
  return JSON.parse(run.stdout);
}

const gke = Profile.production({ cloud: Cloud.gke({ region: 'us-central1' }) });
const eks = Profile.production({ cloud: Cloud.eks({ region: 'us-east-1' }) });
const NVME = () => CacheNodeGroup.localNvme({ path: '/mnt/nvme/models', storageLimit: Size.gibibytes(100) });
const CLAIM = WeightSource.existingClaim('weights');

const configurations: Array<[string, () => any[]]> = [
  ['GKE ComputeClass with image streaming and a secondary boot disk', () => synth({
    profile: gke,
    capacity: { gke: { computeClass: { gpuType: 'nvidia-l4' } } },
    imagePull: { gke: { imageStreaming: true, secondaryBootDisks: [{ diskImageName: 'vllm-cache' }] } },
  }, 'llm').manifests],
  ['GKE queued provisioning', () => synth({ profile: gke, capacity: { gke: { queuedProvisioning: { count: 2, maxRunDuration: Duration.hours(4) } } } }, 'llm').manifests],
  ['CapacityBuffer warm buffer', () => synth({ profile: gke, capacity: { warmBuffer: { mode: WarmBufferMode.CAPACITY_BUFFER, replicas: 2 } } }, 'llm').manifests],
  ['Karpenter NodePool and EC2NodeClass with a snapshot data volume', () => synth({
    profile: eks,
    capacity: { eks: { nodePool: { instanceTypes: ['g5.xlarge'], nodeRole: 'KarpenterNodeRole-llm', selectorTags: { 'karpenter.sh/discovery': 'llm' } } } },
    imagePull: { eks: { dataVolumeSnapshotId: 'snap-0123456789abcdef0', dataVolumeSize: Size.gibibytes(100) } },
  }, 'llm').manifests],
  ['GKE ComputeClass with a specific reservation first, and an any-reservation rule', () => synth({
    profile: gke,
    capacity: { gke: { computeClass: { gpuType: 'nvidia-h100-80gb', reservations: { specific: [{ name: 'h100-res', project: 'shared-gpus', reservationBlock: 'b', reservationSubBlock: 's', zones: ['us-central1-a'] }] } } } },
  }, 'llm').manifests.concat(synth({
    profile: gke,
    capacity: { gke: { computeClass: { name: 'any', priorities: [{ gpuType: 'nvidia-l4', reservations: { affinity: GkeReservationAffinity.ANY_THEN_FAIL } }] } } },
  }, 'llm').manifests.filter((o: any) => o.kind === 'ComputeClass'))],
  ['Karpenter EC2NodeClass selecting capacity reservations', () => synth({
    profile: eks,
    capacity: {
      eks: {
        nodePool: {
          instanceTypes: ['p5.48xlarge'],
          nodeRole: 'KarpenterNodeRole-llm',
          selectorTags: { 'karpenter.sh/discovery': 'llm' },
          capacityReservations: [{ id: 'cr-0123456789abcdef0' }, { tags: { team: 'llm' }, ownerId: '123456789012' }],
        },
      },
    },
  }, 'llm').manifests],
  ['Karpenter EC2NodeClass with a weights volume restored from a snapshot (and an initialization rate)', () => synth({
    profile: eks,
    capacity: { eks: { nodePool: { instanceTypes: ['g6e.12xlarge'], nodeRole: 'KarpenterNodeRole-llm', selectorTags: { 'karpenter.sh/discovery': 'llm' } } } },
    weights: WeightSource.ebsSnapshot('snap-0123456789abcdef0', { directory: 'qwen', size: Size.gibibytes(200) }),
  }, 'llm').manifests],
  ['Karpenter EC2NodeClass with SOCI parallel pull user data', () => synth({
    profile: eks,
    capacity: { eks: { nodePool: { instanceTypes: ['p5.48xlarge'], nodeRole: 'KarpenterNodeRole-llm', selectorTags: { 'karpenter.sh/discovery': 'llm' } } } },
    imagePull: { eks: { parallelPull: {} } },
  }, 'llm').manifests],
  ['LocalModelCache on a new NVMe node group', () => synth({ weights: WeightSource.localModelCache('hf://Qwen/Qwen2.5-0.5B-Instruct', { nodeGroup: NVME() }) }, 'llm').manifests],
  ['LocalModelNamespaceCache', () => synth({
    weights: WeightSource.localModelCache('hf://Qwen/Qwen2.5-0.5B-Instruct', { nodeGroup: NVME(), scope: LocalModelCacheScope.NAMESPACE }),
  }, 'llm').manifests],
  ['KEDA HTTP add-on route and ScaledObject', () => synth({
    weights: CLAIM,
    backend: Backend.deployment({ autoscaler: DeploymentAutoscaler.kedaHttpAddOn({ hosts: ['qwen.example.com'], scaleDownDelay: Duration.minutes(10) }) }),
    scaling: { minReplicas: 0, maxReplicas: 3 },
  }, 'llm').manifests],
  ['KEDA ScaledObjects of a pre-warm schedule (model floor and warm buffer)', () => synth({
    weights: CLAIM,
    backend: Backend.deployment({ autoscaler: DeploymentAutoscaler.kedaHttpAddOn({ hosts: ['qwen.example.com'] }) }),
    capacity: { warmBuffer: { enabled: true } },
    scaling: {
      minReplicas: 1,
      maxReplicas: 3,
      preWarm: PreWarmSchedule.daily({ timeZone: 'Europe/Paris', start: '08:00', end: '18:00', days: [Weekday.MONDAY, Weekday.FRIDAY], replicas: 3, warmNodes: 2 }),
    },
  }, 'llm').manifests],
  ['Knative InferenceService', () => synth({ backend: Backend.kserveKnative({ enabledFeatures: Object.values(KnativeFeature) }) }, 'llm').manifests],
  ['Knative InferenceService with LoRA adapters loaded on first use behind the API proxy', () => synth({
    backend: Backend.kserveKnative({ enabledFeatures: Object.values(KnativeFeature) }),
    adapters: {
      volume: AdapterVolume.existingClaim('adapters'),
      preload: { a: 'a' },
      loadOnFirstUse: true,
      proxyImage: 'nginxinc/nginx-unprivileged@sha256:' + 'c'.repeat(64),
    },
  }, 'llm').manifests],
];

test.each(configurations)('%s: every CEL rule of its CRDs holds', (_name, make) => {
  const objects = make();
  const result = celOf(objects);
  // Custom resources were judged (a kind with no CEL rule, or transition rules only, checks none).
  expect(result.objects).toBeGreaterThan(0);
  expect(result.errors).toEqual([]);
  expect(result.failures).toEqual([]);
});

test('the evaluator fails the rules an object breaks, and passes the fixed object', () => {
  const route = {
    apiVersion: 'http.keda.sh/v1beta1',
    kind: 'InterceptorRoute',
    metadata: { name: 'r' },
    spec: { target: { service: 's', port: 8000, portName: 'http' }, scalingMetric: {}, rules: [] },
  };
  expect(celOf([route]).failures).toEqual([
    expect.stringMatching(/^InterceptorRoute\/r \.spec\.target: exactly one of 'port' or 'portName' must be set/),
    expect.stringMatching(/^InterceptorRoute\/r \.spec\.scalingMetric: at least one of 'concurrency' or 'requestRate' must be set/),
  ]);
  expect(celOf([{ ...route, spec: { ...route.spec, target: { service: 's', port: 8000 }, scalingMetric: { concurrency: { targetValue: 1 } } } }]))
    .toMatchObject({ failures: [], errors: [] });
});

test('the ComputeClass reservation rules are judged: Specific without reservations, or reservations with another affinity, fail', () => {
  const cc = (reservations: object) => ({
    apiVersion: 'cloud.google.com/v1',
    kind: 'ComputeClass',
    metadata: { name: 'c' },
    spec: { priorities: [{ gpu: { type: 'nvidia-l4', count: 1 }, reservations }], nodePoolAutoCreation: { enabled: true } },
  });
  expect(celOf([cc({ affinity: 'Specific' })]).failures).toEqual([expect.stringMatching(/At least 1 specific reservation required for specific affinity/)]);
  expect(celOf([cc({ affinity: 'AnyBestEffort', specific: [{ name: 'r' }] })]).failures).toEqual([expect.stringMatching(/Unable to set specific reservations for non specific affinity/)]);
  expect(celOf([cc({ affinity: 'Specific', specific: [{ name: 'r' }] })])).toMatchObject({ failures: [], errors: [] });
});

test('the EC2NodeClass reservation term rules are judged: an id beside tags fails', () => {
  const nc = (term: object) => ({
    apiVersion: 'karpenter.k8s.aws/v1',
    kind: 'EC2NodeClass',
    metadata: { name: 'n' },
    spec: {
      amiSelectorTerms: [{ alias: 'bottlerocket@latest' }],
      role: 'r',
      subnetSelectorTerms: [{ tags: { a: 'b' } }],
      securityGroupSelectorTerms: [{ tags: { a: 'b' } }],
      capacityReservationSelectorTerms: [term],
    },
  });
  expect(celOf([nc({ id: 'cr-1', tags: { a: 'b' } })]).failures).toEqual([expect.stringMatching(/'id' is mutually exclusive/)]);
  expect(celOf([nc({ id: 'cr-1' })])).toMatchObject({ failures: [], errors: [] });
});

test('every custom resource kind the library writes is in the matrix above', () => {
  const kinds = new Set(configurations.flatMap(([, make]) => make().map((o: any) => o.kind)));
  for (const kind of ['ComputeClass', 'ProvisioningRequest', 'CapacityBuffer', 'NodePool', 'EC2NodeClass', 'LocalModelCache', 'LocalModelNamespaceCache',
    'LocalModelNodeGroup', 'InterceptorRoute', 'ScaledObject', 'InferenceService']) {
    expect([kind, kinds.has(kind)]).toEqual([kind, true]);
  }
});
