import { Chart, Duration, Size, Testing } from 'cdk8s';
import { Construct } from 'constructs';
import {
  CacheNodeGroup, Cloud, ColdStartOptimizedModel, ColdStartOptimizedModelProps, GkeReservationAffinity, KarpenterCapacityType, Profile,
  TolerationOperator, WarmBufferMode, TolerationEffect, WeightSource,
} from '../../src';
import { Facts, Pass, PodBlueprint } from '../../src/blueprint';
import { COLDSTART_REPORT_FILE, ColdStartReportWriter } from '../../src/estimate/cold-start-report';
import { assessColdStart } from '../../src/estimate/estimate';
import { defaultColdStartFacts } from '../../src/estimate/facts';
import { ImageArrival, CapacityArrival } from '../../src/estimate/paths';
import { NodeCapacity } from '../../src/levers/capacity/node-capacity';
import { ImagePull } from '../../src/levers/image/image-pull';
import { WeightLoad } from '../../src/levers/weights/weight-load';
import { schemaErrors } from '../schema';
import { AUX_CONTAINER_SECURITY, baseProps, leverContext, find, predictor, synth, VLLM, args, container } from '../util';

const lab = () => synth({ profile: Profile.lab() });

const PAUSE = 'registry.k8s.io/pause:3.10@sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a';
const L4 = { 'nvidia.com/gpu.product': 'NVIDIA-L4' };
const TOLERATE_GPU = [{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }];
const TINY = { cpu: '10m', memory: '16Mi' };
const AUX_POD = {
  automountServiceAccountToken: false,
  enableServiceLinks: false,
  securityContext: { seccompProfile: { type: 'RuntimeDefault' }, runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532 },
};
const labels = (component: string) => ({ 'app.kubernetes.io/name': 'qwen', 'app.kubernetes.io/component': component, 'app.kubernetes.io/managed-by': 'cdk8s-coldstart' });

const gke = Profile.production({ cloud: Cloud.gke({ region: 'us-central1' }) });
const eks = Profile.production({ cloud: Cloud.eks({ region: 'us-east-1' }) });
const NODE_POOL = { instanceTypes: ['g6.xlarge'], nodeRole: 'KarpenterNodeRole-c', selectorTags: { 'karpenter.sh/discovery': 'c' } };

const kinds = (m: any[]) => m.map(o => `${o.kind}/${o.metadata.name}`).sort();
const one = (m: any[], kind: string, name?: string) => {
  const found = find(m, kind).filter(o => name === undefined || o.metadata.name === name);
  expect(found).toHaveLength(1);
  return found[0];
};

describe('profiles', () => {
  test('lab (generic): no warm buffer and no pre-pull; the model pod idles at zero cost', () => {
    expect(kinds(synth({ profile: Profile.lab() }).manifests)).toEqual(['InferenceService/qwen', 'PriorityClass/qwen-serving']);
  });

  test('production (generic): only the pause-pod buffer and the pre-pull DaemonSet are added, nothing cloud-specific', () => {
    const m = synth({ profile: Profile.production() }).manifests;
    expect(kinds(m)).toEqual([
      'DaemonSet/qwen-pre-pull', 'Deployment/qwen-warm-buffer', 'InferenceService/qwen', 'PersistentVolumeClaim/qwen-cache',
      'PriorityClass/qwen-serving', 'PriorityClass/qwen-warm-buffer',
    ]);
    expect(JSON.stringify(m)).not.toMatch(/cloud\.google\.com|karpenter|gke\.io|amazonaws/);
  });

  test('production (GKE): ComputeClass next to the buffer and pre-pull, all selecting it', () => {
    const m = synth({ profile: gke, capacity: { gke: { computeClass: { gpuType: 'nvidia-l4' } } } }).manifests;
    expect(kinds(m)).toEqual([
      'ComputeClass/qwen-gpu', 'DaemonSet/qwen-pre-pull', 'Deployment/qwen-warm-buffer', 'InferenceService/qwen',
      'PersistentVolumeClaim/qwen-cache', 'PriorityClass/qwen-serving', 'PriorityClass/qwen-warm-buffer',
    ]);
    const selector = { ...L4, 'cloud.google.com/compute-class': 'qwen-gpu' };
    expect(predictor(m).nodeSelector).toEqual(selector);
    expect(one(m, 'Deployment').spec.template.spec.nodeSelector).toEqual(selector);
    expect(one(m, 'DaemonSet').spec.template.spec.nodeSelector).toEqual(selector);
  });

  test('production (EKS): NodePool and EC2NodeClass next to the buffer and pre-pull, all selecting the pool', () => {
    const m = synth({ profile: eks, capacity: { eks: { nodePool: NODE_POOL } } }).manifests;
    expect(kinds(m)).toEqual([
      'DaemonSet/qwen-pre-pull', 'Deployment/qwen-warm-buffer', 'EC2NodeClass/qwen-gpu', 'InferenceService/qwen', 'NodePool/qwen-gpu',
      'PersistentVolumeClaim/qwen-cache', 'PriorityClass/qwen-serving', 'PriorityClass/qwen-warm-buffer',
    ]);
    const selector = { ...L4, 'karpenter.sh/nodepool': 'qwen-gpu' };
    expect(predictor(m).nodeSelector).toEqual(selector);
    expect(predictor(m).annotations).toMatchObject({ 'karpenter.sh/do-not-disrupt': 'true' });
    expect(one(m, 'Deployment').spec.template.spec.nodeSelector).toEqual(selector);
    expect(one(m, 'DaemonSet').spec.template.spec.nodeSelector).toEqual(selector);
  });
});

describe('warm buffer (pause pods)', () => {
  const m = () => synth({ profile: Profile.production() }, 'llm').manifests;

  test('PriorityClass at -10, not global, never preempting, cluster-scoped', () => {
    expect(one(m(), 'PriorityClass', 'qwen-warm-buffer')).toEqual({
      apiVersion: 'scheduling.k8s.io/v1',
      kind: 'PriorityClass',
      metadata: { name: 'qwen-warm-buffer', labels: labels('warm-buffer') },
      value: -10,
      globalDefault: false,
      preemptionPolicy: 'Never',
      description: expect.stringContaining('qwen2.5-0.5b-instruct'),
    });
  });

  test('the model runs above it, so the scheduler preempts the pause pods', () => {
    const manifests = m();
    const model = one(manifests, 'PriorityClass', predictor(manifests).priorityClassName);
    expect(model.value).toBeGreaterThanOrEqual(0);
    expect(model.value).toBeGreaterThan(one(manifests, 'PriorityClass', 'qwen-warm-buffer').value);
  });

  test('a Deployment of digest-pinned pause pods holding the model GPU shape', () => {
    const d = one(m(), 'Deployment');
    expect(d.metadata).toEqual({ name: 'qwen-warm-buffer', namespace: 'llm', labels: labels('warm-buffer') });
    expect(d.spec.replicas).toBe(1);
    expect(d.spec.selector).toEqual({ matchLabels: labels('warm-buffer') });
    expect(d.spec.template.metadata).toEqual({ labels: labels('warm-buffer') });
    const gpu = { ...TINY, 'nvidia.com/gpu': '1' };
    expect(d.spec.template.spec).toEqual({
      ...AUX_POD,
      priorityClassName: 'qwen-warm-buffer',
      terminationGracePeriodSeconds: 0,
      nodeSelector: L4,
      tolerations: TOLERATE_GPU,
      containers: [{ name: 'pause', image: PAUSE, imagePullPolicy: 'IfNotPresent', resources: { requests: gpu, limits: gpu }, securityContext: AUX_CONTAINER_SECURITY }],
    });
  });

  test('replicas, image, priority and the GPU shape spelled out are honoured', () => {
    const image = 'registry.example.com/pause@sha256:' + 'c'.repeat(64);
    const gpu = { count: 2, nodeSelector: L4, tolerations: [{ key: 'nvidia.com/gpu', operator: TolerationOperator.EXISTS }] };
    const manifests = synth({
      gpu,
      profile: Profile.production(),
      capacity: { priority: 5, warmBuffer: { replicas: 3, image, priority: -5, gpu } },
    }).manifests;
    const d = one(manifests, 'Deployment');
    expect(d.spec.replicas).toBe(3);
    expect(d.spec.template.spec.containers[0].image).toBe(image);
    expect(d.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe('2');
    expect(one(manifests, 'PriorityClass', 'qwen-warm-buffer').value).toBe(-5);
  });

  test('on in lab when asked, off in production when asked', () => {
    expect(find(synth({ profile: Profile.lab(), capacity: { warmBuffer: { enabled: true } } }).manifests, 'Deployment')).toHaveLength(1);
    expect(find(synth({ profile: Profile.production(), capacity: { warmBuffer: { enabled: false } } }).manifests, 'Deployment')).toHaveLength(0);
  });

  test('with an existing model PriorityClass, the buffer still sits at -10', () => {
    const manifests = synth({ profile: Profile.production(), capacity: { priorityClassName: 'inference-high' } }).manifests;
    expect(predictor(manifests).priorityClassName).toBe('inference-high');
    expect(find(manifests, 'PriorityClass').map(p => [p.metadata.name, p.value])).toEqual([['qwen-warm-buffer', -10]]);
  });
});

describe('warm buffer (CapacityBuffer)', () => {
  test('a PodTemplate of the GPU shape and an autoscaling.x-k8s.io/v1beta1 CapacityBuffer, no pause Deployment or class', () => {
    const m = synth({ profile: gke, capacity: { warmBuffer: { mode: WarmBufferMode.CAPACITY_BUFFER, replicas: 2 } } }).manifests;
    expect(find(m, 'Deployment')).toHaveLength(0);
    expect(find(m, 'PriorityClass').map(p => p.metadata.name)).toEqual(['qwen-serving']);
    expect(one(m, 'CapacityBuffer')).toEqual({
      apiVersion: 'autoscaling.x-k8s.io/v1beta1',
      kind: 'CapacityBuffer',
      metadata: { name: 'qwen-warm-buffer', labels: labels('warm-buffer') },
      spec: { podTemplateRef: { name: 'qwen-warm-buffer' }, replicas: 2 },
    });
    const t = one(m, 'PodTemplate');
    expect(t.metadata.name).toBe('qwen-warm-buffer');
    expect(t.template.spec.containers[0].resources.limits).toEqual({ ...TINY, 'nvidia.com/gpu': '1' });
    expect(t.template.spec.nodeSelector).toEqual(L4);
    expect(t.template.spec.tolerations).toEqual(TOLERATE_GPU);
    expect(t.template.spec.priorityClassName).toBeUndefined();
    // The template is written before the buffer that names it.
    expect(m.indexOf(t)).toBeLessThan(m.indexOf(one(m, 'CapacityBuffer')));
  });
});

describe('GKE ComputeClass', () => {
  test('Spot then on-demand for the model GPU, auto-created pools, rule-priority migration, never a default node', () => {
    const cc = one(synth({ profile: gke, gpu: { count: 4 }, capacity: { gke: { computeClass: { gpuType: 'nvidia-h100-80gb', machineFamily: 'a3' } } } }, 'llm').manifests, 'ComputeClass');
    const gpu = { type: 'nvidia-h100-80gb', count: 4 };
    expect(cc).toEqual({
      apiVersion: 'cloud.google.com/v1',
      kind: 'ComputeClass',
      metadata: { name: 'qwen-gpu' }, // cluster-scoped: no namespace
      spec: {
        description: 'GPU nodes of model qwen2.5-0.5b-instruct',
        priorities: [{ machineFamily: 'a3', spot: true, gpu }, { machineFamily: 'a3', spot: false, gpu }],
        whenUnsatisfiable: 'DoNotScaleUp',
        nodePoolAutoCreation: { enabled: true },
        activeMigration: { optimizeRulePriority: true },
      },
    });
  });

  test('explicit priorities, name and switches; image streaming and secondary boot disks from the image lever', () => {
    const m = synth({
      profile: gke,
      capacity: {
        gke: {
          computeClass: {
            name: 'h100',
            nodePoolAutoCreation: false,
            optimizeRulePriority: false,
            priorities: [{ gpuType: 'nvidia-h100-80gb', gpuCount: 8, machineType: 'a3-highgpu-8g' }],
          },
        },
      },
      imagePull: { gke: { imageStreaming: true, secondaryBootDisks: [{ diskImageName: 'vllm-cache', project: 'p' }] } },
    }).manifests;
    const cc = one(m, 'ComputeClass');
    expect(cc.metadata.name).toBe('h100');
    expect(cc.spec.priorities).toEqual([{
      machineType: 'a3-highgpu-8g',
      spot: false,
      gpu: { type: 'nvidia-h100-80gb', count: 8 },
      storage: { secondaryBootDisks: [{ diskImageName: 'vllm-cache', project: 'p', mode: 'CONTAINER_IMAGE_CACHE' }] },
    }]);
    expect(cc.spec.nodePoolConfig).toEqual({ imageStreaming: { enabled: true } });
    expect(cc.spec.nodePoolAutoCreation).toEqual({ enabled: false });
    expect(cc.spec.activeMigration).toEqual({ optimizeRulePriority: false });
    expect(predictor(m).nodeSelector['cloud.google.com/compute-class']).toBe('h100');
  });

  test('DWS: a PodTemplate, a queued-provisioning.gke.io ProvisioningRequest written before the model, and the pod annotations', () => {
    const m = synth({ profile: gke, capacity: { gke: { queuedProvisioning: { count: 2, maxRunDuration: Duration.hours(4) } } } }).manifests;
    const pr = one(m, 'ProvisioningRequest');
    expect(pr).toEqual({
      apiVersion: 'autoscaling.x-k8s.io/v1',
      kind: 'ProvisioningRequest',
      metadata: { name: 'qwen-dws', labels: labels('provisioning-request') },
      spec: {
        provisioningClassName: 'queued-provisioning.gke.io',
        podSets: [{ count: 2, podTemplateRef: { name: 'qwen-dws' } }],
        parameters: { maxRunDurationSeconds: '14400' },
      },
    });
    const t = one(m, 'PodTemplate');
    expect(t.metadata.name).toBe('qwen-dws');
    expect(t.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe('1');
    expect(predictor(m).annotations).toMatchObject({
      'autoscaling.x-k8s.io/consume-provisioning-request': 'qwen-dws',
      'autoscaling.x-k8s.io/provisioning-class-name': 'queued-provisioning.gke.io',
    });
    expect(m.indexOf(t)).toBeLessThan(m.indexOf(pr));
    expect(m.indexOf(pr)).toBeLessThan(m.findIndex(o => o.kind === 'InferenceService'));
  });
});

describe('EKS Karpenter NodePool', () => {
  test('WhenEmpty, never expiring, GPU-tainted, referencing its EC2NodeClass', () => {
    const m = synth({ profile: eks, capacity: { eks: { nodePool: NODE_POOL } } }).manifests;
    expect(one(m, 'NodePool')).toEqual({
      apiVersion: 'karpenter.sh/v1',
      kind: 'NodePool',
      metadata: { name: 'qwen-gpu' },
      spec: {
        template: {
          spec: {
            nodeClassRef: { group: 'karpenter.k8s.aws', kind: 'EC2NodeClass', name: 'qwen-gpu' },
            requirements: [
              { key: 'node.kubernetes.io/instance-type', operator: 'In', values: ['g6.xlarge'] },
              { key: 'karpenter.sh/capacity-type', operator: 'In', values: ['spot', 'on-demand'] },
            ],
            taints: [{ key: 'nvidia.com/gpu', effect: 'NoSchedule' }],
            expireAfter: 'Never',
          },
        },
        disruption: { consolidationPolicy: 'WhenEmpty', consolidateAfter: '300s' },
      },
    });
    expect(one(m, 'EC2NodeClass')).toEqual({
      apiVersion: 'karpenter.k8s.aws/v1',
      kind: 'EC2NodeClass',
      metadata: { name: 'qwen-gpu' },
      spec: {
        amiSelectorTerms: [{ alias: 'bottlerocket@latest' }],
        role: 'KarpenterNodeRole-c',
        subnetSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'c' } }],
        securityGroupSelectorTerms: [{ tags: { 'karpenter.sh/discovery': 'c' } }],
      },
    });
    expect(m.indexOf(one(m, 'EC2NodeClass'))).toBeLessThan(m.indexOf(one(m, 'NodePool')));
  });

  test('the Bottlerocket data volume starts from the image snapshot', () => {
    const m = synth({
      profile: eks,
      capacity: { eks: { nodePool: { ...NODE_POOL, capacityTypes: [KarpenterCapacityType.ON_DEMAND], amiAlias: 'bottlerocket@v1.26.0', consolidateAfter: Duration.minutes(30), name: 'l4' } } },
      imagePull: { eks: { dataVolumeSnapshotId: 'snap-0123456789abcdef0', dataVolumeSize: Size.gibibytes(200) } },
    }).manifests;
    const nc = one(m, 'EC2NodeClass');
    const ebs = { volumeType: 'gp3', encrypted: true, deleteOnTermination: true };
    expect(nc.metadata.name).toBe('l4');
    expect(nc.spec.amiSelectorTerms).toEqual([{ alias: 'bottlerocket@v1.26.0' }]);
    expect(nc.spec.blockDeviceMappings).toEqual([
      { deviceName: '/dev/xvda', ebs: { ...ebs, volumeSize: '4Gi' } },
      { deviceName: '/dev/xvdb', ebs: { ...ebs, snapshotID: 'snap-0123456789abcdef0', volumeSize: '200Gi' } },
    ]);
    const np = one(m, 'NodePool');
    expect(np.spec.template.spec.requirements[1].values).toEqual(['on-demand']);
    expect(np.spec.disruption.consolidateAfter).toBe('1800s');
    expect(predictor(m).nodeSelector['karpenter.sh/nodepool']).toBe('l4');
  });

  test('a data volume size in MiB is rounded up to whole GiB', () => {
    const m = synth({ profile: eks, capacity: { eks: { nodePool: NODE_POOL } }, imagePull: { eks: { dataVolumeSnapshotId: 'snap-0123456789abcdef0', dataVolumeSize: Size.mebibytes(1500) } } }).manifests;
    expect(one(m, 'EC2NodeClass').spec.blockDeviceMappings[1].ebs.volumeSize).toBe('2Gi');
  });

  test('no GPU taint when the model does not tolerate nvidia.com/gpu', () => {
    const m = synth({ profile: eks, gpu: { count: 1, tolerations: [{ key: 'gpu', operator: TolerationOperator.EXISTS }] }, capacity: { eks: { nodePool: NODE_POOL } } }).manifests;
    expect(one(m, 'NodePool').spec.template.spec.taints).toBeUndefined();
  });
});

describe('the baseline pack checks the profile region', () => {
  test('a second model in another region of the same app is refused (one pack, one region)', () => {
    const app = Testing.app();
    const chart = new Chart(app, 'c');
    new ColdStartOptimizedModel(chart, 'a', baseProps({ profile: gke }));
    expect(() => new ColdStartOptimizedModel(chart, 'b', baseProps({ profile: Profile.production({ cloud: Cloud.gke({ region: 'europe-west4' }) }) })))
      .toThrow(/^c\/b: \[CS-IN-010\] this app's ColdStartBaseline pack checks production\/gke\/us-central1 but this model's profile is production\/gke\/europe-west4/);
  });
});

describe('cold-start facts for the estimate', () => {
  /** Runs capacity, weights (the modelcar the pre-pull pulls) and image pull alone, in the model's order, and returns the facts they set. */
  const run = (p: Partial<ColdStartOptimizedModelProps>) => {
    const props = baseProps(p);
    const profile = props.profile ?? Profile.lab();
    const chart = new Chart(Testing.app(), 'c');
    const context = leverContext(chart, { name: 'm', profile, gpu: props.gpu, engineImage: VLLM });
    const levers = [
      new NodeCapacity(chart, 'N', context, props.capacity ?? {}),
      new WeightLoad(chart, 'W', context, props.weights),
      new ImagePull(chart, 'I', context, props.imagePull ?? {}),
    ];
    const bp = new PodBlueprint();
    for (const l of levers) {
      l.contribute(bp.writer(l));
      bp.finish(l.kind, Pass.CONTRIBUTE);
    }
    return bp;
  };
  const facts = (p: Partial<ColdStartOptimizedModelProps>) => {
    const bp = run(p);
    return [bp.fact(Facts.CAPACITY_ARRIVAL), bp.fact(Facts.IMAGE_ARRIVAL)];
  };
  const cc = { gke: { computeClass: { gpuType: 'nvidia-l4' } } };
  test.each<[string, Partial<ColdStartOptimizedModelProps>, CapacityArrival, ImageArrival]>([
    ['lab', { profile: Profile.lab() }, CapacityArrival.COLD_NODE, ImageArrival.REGISTRY],
    ['production: buffer and pre-pull', { profile: Profile.production() }, CapacityArrival.WARM_BUFFER, ImageArrival.PRE_PULLED],
    ['a buffer without pre-pull', { profile: Profile.production(), imagePull: { prePull: false } }, CapacityArrival.WARM_BUFFER, ImageArrival.REGISTRY],
    ['pre-pull without a buffer: a new node pulls anyway', { profile: Profile.lab(), imagePull: { prePull: true } }, CapacityArrival.COLD_NODE, ImageArrival.REGISTRY],
    ['GKE image streaming', { profile: Profile.lab({ cloud: Cloud.gke() }), capacity: cc, imagePull: { gke: { imageStreaming: true } } }, CapacityArrival.COLD_NODE, ImageArrival.STREAMED],
    ['GKE secondary boot disk', { profile: Profile.lab({ cloud: Cloud.gke() }), capacity: cc, imagePull: { gke: { imageStreaming: true, secondaryBootDisks: [{ diskImageName: 'd' }] } } }, CapacityArrival.COLD_NODE, ImageArrival.SNAPSHOT],
    ['EKS image snapshot', { profile: Profile.lab({ cloud: Cloud.eks() }), capacity: { eks: { nodePool: NODE_POOL } }, imagePull: { eks: { dataVolumeSnapshotId: 'snap-0123456789abcdef0' } } }, CapacityArrival.COLD_NODE, ImageArrival.SNAPSHOT],
  ])('%s', (_name, p, node, image) => {
    expect(facts(p)).toEqual([node, image]);
  });

  test.each<[string, Partial<ColdStartOptimizedModelProps>, boolean, boolean]>([
    ['lab: no pre-pull', { profile: Profile.lab() }, false, false],
    ['production: the modelcar is pre-pulled onto the held node', { profile: Profile.production() }, true, true],
    ['pre-pull without a buffer: a new node pulls the modelcar too', { profile: Profile.lab(), imagePull: { prePull: true } }, true, false],
    ['a buffer without pre-pull: the held node has no modelcar', { profile: Profile.production(), imagePull: { prePull: false } }, false, false],
    ['no modelcar: nothing of the weights to pre-pull', { profile: Profile.production(), weights: WeightSource.existingClaim('w') }, true, false],
  ])('the pre-pull and the modelcar: %s', (_name, p, prePull, modelcar) => {
    const bp = run(p);
    expect([bp.fact(Facts.PRE_PULL), bp.fact(Facts.MODELCAR_PRE_PULLED)]).toEqual([prePull, modelcar]);
  });
});

describe('bad input: a clear error naming the construct and the fix', () => {
  const build = (p: Partial<ColdStartOptimizedModelProps>) => () => synth(p);
  const NC = '^serving/qwen/NodeCapacity: ';
  const IP = '^serving/qwen/ImagePull: ';
  test.each<[string, Partial<ColdStartOptimizedModelProps>, string]>([
    ['a buffer GPU shape other than the model\'s', { capacity: { warmBuffer: { enabled: true, gpu: { count: 2, nodeSelector: L4 } } } },
      `${NC}\\[CS-IN-035\\] the warm buffer's GPU shape \\{2 x nvidia.com/gpu.*differs from the model's \\{1 x .*Fix: drop capacity.warmBuffer.gpu`],
    ['a model priority below the buffer\'s', { capacity: { priority: 0, warmBuffer: { enabled: true, priority: 10 } } },
      `${NC}\\[CS-IN-036\\] the warm buffer's priority 10 is not below the model's priority 0.*Fix: `],
    ['a buffer priority that never scales up', { capacity: { warmBuffer: { enabled: true, priority: -11 } } }, `${NC}\\[CS-IN-036\\] capacity.warmBuffer.priority -11 .*Fix: use -10`],
    ['no buffer replicas', { capacity: { warmBuffer: { enabled: true, replicas: 0 } } }, `${NC}\\[CS-IN-045\\] capacity.warmBuffer.replicas 0 .*Fix: `],
    // Found by the bad-input corpus: Deployment replicas is an int32 field.
    ['buffer replicas beyond int32', { capacity: { warmBuffer: { enabled: true, replicas: 2 ** 31 } } }, `${NC}\\[CS-IN-045\\] capacity.warmBuffer.replicas 2147483648 .*Fix: `],
    ['a buffer image by tag', { capacity: { warmBuffer: { enabled: true, image: 'registry.k8s.io/pause:3.10' } } }, `${NC}\\[CS-IMG-001\\] warm buffer image "registry.k8s.io/pause:3.10" is not pinned by digest.*Fix: `],
    ['a pre-pull image by tag', { imagePull: { additionalImages: ['busybox:1.36'] } }, `${IP}\\[CS-IMG-001\\] imagePull.additionalImages\\[0\\] "busybox:1.36" is not pinned by digest.*Fix: `],
    ['a pre-pull pause image by tag', { imagePull: { pauseImage: 'registry.k8s.io/pause:latest' } }, `${IP}\\[CS-IMG-001\\] imagePull.pauseImage .*Fix: `],
    ['a CapacityBuffer on the generic cloud', { capacity: { warmBuffer: { enabled: true, mode: WarmBufferMode.CAPACITY_BUFFER } } }, `${NC}\\[CS-IN-034\\] .*Fix: use WarmBufferMode.PAUSE_PODS`],
    ['capacity.gke outside GKE', { capacity: { gke: { computeClass: { gpuType: 'nvidia-l4' } } } }, `${NC}\\[CS-IN-014\\] capacity.gke .* is a GKE accelerator, but the profile's cloud is generic.*Fix: .* or remove capacity.gke$`],
    ['capacity.eks outside EKS', { profile: gke, capacity: { eks: { nodePool: NODE_POOL } } }, `${NC}\\[CS-IN-014\\] capacity.eks .* is an EKS accelerator, but the profile's cloud is gke.*Fix: .* or remove capacity.eks$`],
    ['imagePull.gke outside GKE', { profile: eks, imagePull: { gke: { imageStreaming: true } } }, `${IP}\\[CS-IN-014\\] imagePull.gke .* is a GKE accelerator, but the profile's cloud is eks.*Fix: .* or remove imagePull.gke$`],
    ['imagePull.eks outside EKS', { imagePull: { eks: { dataVolumeSnapshotId: 'snap-0123456789abcdef0' } } }, `${IP}\\[CS-IN-014\\] imagePull.eks .* is an EKS accelerator, but the profile's cloud is generic.*Fix: .* or remove imagePull.eks$`],
    ['imagePull.gke without a ComputeClass', { profile: gke, imagePull: { gke: { imageStreaming: true } } }, `${NC}\\[CS-IN-032\\] imagePull.gke settings live in the model's ComputeClass.*Fix: add capacity.gke.computeClass`],
    ['an image snapshot without a NodePool', { profile: eks, imagePull: { eks: { dataVolumeSnapshotId: 'snap-0123456789abcdef0' } } }, `${NC}\\[CS-IN-033\\] .*Fix: add capacity.eks.nodePool`],
    ['a snapshot id that is not snap-...', { profile: eks, imagePull: { eks: { dataVolumeSnapshotId: 'ami-0123456789abcdef0' } } }, `${IP}\\[CS-IN-038\\] imagePull.eks.dataVolumeSnapshotId "ami-0123456789abcdef0" is not an EBS snapshot id.*Fix: `],
    // Found by the bad-input corpus: 9 to 16 hex digits passed, though EBS ids have 8 or 17.
    ['a snapshot id of 16 hex digits', { profile: eks, capacity: { eks: { nodePool: NODE_POOL } }, imagePull: { eks: { dataVolumeSnapshotId: 'snap-0123456789abcdef' } } },
      `${IP}\\[CS-IN-038\\] imagePull.eks.dataVolumeSnapshotId "snap-0123456789abcdef" is not an EBS snapshot id.*Fix: `],
    ['a snapshot on a non-Bottlerocket AMI', { profile: eks, capacity: { eks: { nodePool: { ...NODE_POOL, amiAlias: 'al2023@latest' } } }, imagePull: { eks: { dataVolumeSnapshotId: 'snap-0123456789abcdef0' } } },
      `${NC}\\[CS-IN-047\\] .*amiAlias is "al2023@latest".*Fix: use a bottlerocket`],
    ['a ComputeClass without a GPU', { profile: gke, capacity: { gke: { computeClass: {} } } }, `${NC}\\[CS-IN-037\\] the ComputeClass has no priority with a GPU.*Fix: set capacity.gke.computeClass.gpuType`],
    ['a ComputeClass priority without a GPU', { profile: gke, capacity: { gke: { computeClass: { priorities: [{ gpuType: '', spot: true }] } } } }, `${NC}\\[CS-IN-037\\] ComputeClass priority 0 has no GPU type.*Fix: `],
    ['a ComputeClass priority with too few GPUs', { profile: gke, gpu: { count: 4 }, capacity: { gke: { computeClass: { priorities: [{ gpuType: 'nvidia-l4', gpuCount: 2 }] } } } }, `${NC}\\[CS-IN-046\\] .*2 GPUs per node but the model needs 4.*Fix: `],
    ['machineFamily and machineType together', { profile: gke, capacity: { gke: { computeClass: { priorities: [{ gpuType: 'nvidia-l4', machineFamily: 'g2', machineType: 'g2-standard-8' }] } } } }, `${NC}\\[CS-IN-042\\] .*both machineFamily.*Fix: `],
    ['a NodePool without instance types', { profile: eks, capacity: { eks: { nodePool: { ...NODE_POOL, instanceTypes: [] } } } }, `${NC}\\[CS-IN-041\\] instanceTypes \\[\\] .*Fix: `],
    ['a NodePool without selector tags', { profile: eks, capacity: { eks: { nodePool: { ...NODE_POOL, selectorTags: {} } } } }, `${NC}\\[CS-IN-041\\] selectorTags .*Fix: `],
    ['a secondary boot disk that is not an image name', { profile: gke, imagePull: { gke: { secondaryBootDisks: [{ diskImageName: 'Bad_Name' }] } } }, `${IP}\\[CS-IN-040\\] secondaryBootDisks\\[0\\].diskImageName "Bad_Name" .*Fix: `],
    ['a DWS count out of range', { profile: gke, capacity: { gke: { queuedProvisioning: { count: 0 } } } }, `${NC}\\[CS-IN-039\\] queuedProvisioning.count 0 .*Fix: `],
  ])('%s', (_name, props, message) => {
    expect(build(props)).toThrow(new RegExp(message));
  });
});

describe('GPU shape: what the API server would reject, or what reaches every node, fails at synth', () => {
  const code = (p: Partial<ColdStartOptimizedModelProps>) => {
    try {
      synth(p);
    } catch (e: any) {
      return e.code;
    }
    return 'accepted';
  };
  test.each<[string, Partial<ColdStartOptimizedModelProps>, string]>([
    ['an Exists toleration with an empty key', { gpu: { count: 1, nodeSelector: L4, tolerations: [{ key: '', operator: TolerationOperator.EXISTS }] } }, 'CS-IN-003'],
    ['an empty-key Equal toleration', { gpu: { count: 1, nodeSelector: L4, tolerations: [{ key: '', operator: TolerationOperator.EQUAL, value: 'x' }] } }, 'CS-IN-003'],
    ['a toleration key with a space', { gpu: { count: 1, nodeSelector: L4, tolerations: [{ key: 'nvidia gpu' }] } }, 'CS-IN-003'],
    ['an unknown operator', { gpu: { count: 1, nodeSelector: L4, tolerations: [{ key: 'gpu', operator: 'exists' as any }] } }, 'CS-IN-003'],
    ['an unknown effect', { gpu: { count: 1, nodeSelector: L4, tolerations: [{ key: 'gpu', effect: 'NoEvict' as any }] } }, 'CS-IN-003'],
    ['a nodeSelector key ending in a dot', { gpu: { count: 1, nodeSelector: { 'gpu.': 'l4' } } }, 'CS-IN-058'],
    ['a nodeSelector value with a space', { gpu: { count: 1, nodeSelector: { gpu: 'NVIDIA L4' } } }, 'CS-IN-058'],
    ['a nodeSelector value over 63 characters', { gpu: { count: 1, nodeSelector: { gpu: 'a'.repeat(64) } } }, 'CS-IN-058'],
    ['a resource name without a domain', { gpu: { count: 1, nodeSelector: L4, resourceName: 'gpu' } }, 'CS-IN-058'],
    ['a resource name in kubernetes.io', { gpu: { count: 1, nodeSelector: L4, resourceName: 'kubernetes.io/gpu' } }, 'CS-IN-058'],
    ['pre-pull without a nodeSelector (every node of the cluster)', { gpu: { count: 1 }, imagePull: { prePull: true } }, 'CS-IN-044'],
  ])('%s is refused', (_, props, id) => {
    expect(code(props)).toBe(id);
  });

  test('production\'s default pre-pull stays off without a nodeSelector, and is on with one', () => {
    const daemonSets = (gpu: any) => find(synth({ profile: Profile.production(), gpu, runtime: { cache: undefined } }).manifests, 'DaemonSet');
    expect(daemonSets({ count: 1 })).toEqual([]);
    expect(daemonSets({ count: 1, nodeSelector: L4 })).toHaveLength(1);
  });

  test('tolerating every taint is possible when said so, and the helpers copy it', () => {
    const gpu = { count: 1, nodeSelector: L4, tolerations: [{ key: '', operator: TolerationOperator.EXISTS }], tolerateEveryTaint: true };
    const m = synth({ gpu, imagePull: { prePull: true } }).manifests;
    expect(predictor(m).tolerations).toEqual([{ operator: 'Exists' }]);
    expect(find(m, 'DaemonSet')[0].spec.template.spec.tolerations).toEqual([{ operator: 'Exists' }]);
  });

  test('ordinary labels, keys and resources pass', () => {
    const gpu = { count: 1, nodeSelector: { 'example.com/accelerator': 'mi300x', 'pool': '' }, resourceName: 'amd.com/gpu', tolerations: [{ key: 'amd.com/gpu' }] };
    expect(code({ gpu })).toBe('accepted');
  });
});

describe('lever 3: node 0->1', () => {
  test('the model runs at a library-created PriorityClass >= 0', () => {
    const { manifests, model } = lab();
    const [pc] = find(manifests, 'PriorityClass');
    expect(pc.apiVersion).toBe('scheduling.k8s.io/v1');
    expect(pc.metadata.name).toBe('qwen-serving');
    expect(pc.value).toBe(1000);
    expect(pc.globalDefault).toBe(false);
    expect(predictor(manifests).priorityClassName).toBe('qwen-serving');
    expect(model.priorityClassName).toBe('qwen-serving');
  });

  test('the PriorityClass is cluster-scoped even in a namespaced chart', () => {
    const [pc] = find(synth({}, 'llm').manifests, 'PriorityClass');
    expect(pc.metadata.namespace).toBeUndefined();
  });

  test('the priority value can be set', () => {
    const [pc] = find(synth({ capacity: { priority: 0 } }).manifests, 'PriorityClass');
    expect(pc.value).toBe(0);
  });

  test('a user-named PriorityClass is used and none is created', () => {
    const { manifests } = synth({ capacity: { priorityClassName: 'inference-high' } });
    expect(find(manifests, 'PriorityClass')).toHaveLength(0);
    expect(predictor(manifests).priorityClassName).toBe('inference-high');
  });

  test('GPU count, node selector and default GPU toleration', () => {
    const m = lab().manifests;
    const c = container(m);
    expect(c.resources.limits['nvidia.com/gpu']).toBe('1');
    expect(c.resources.requests['nvidia.com/gpu']).toBe('1');
    expect(predictor(m).nodeSelector).toEqual({ 'nvidia.com/gpu.product': 'NVIDIA-L4' });
    expect(predictor(m).tolerations).toEqual([{ key: 'nvidia.com/gpu', operator: 'Exists', effect: 'NoSchedule' }]);
  });

  test('custom tolerations and GPU resource name', () => {
    const m = synth({
      gpu: {
        count: 2,
        resourceName: 'amd.com/gpu',
        tolerations: [{ key: 'gpu-pool', operator: TolerationOperator.EQUAL, value: 'h100', effect: TolerationEffect.NO_EXECUTE }],
      },
    }).manifests;
    expect(container(m).resources.limits['amd.com/gpu']).toBe('2');
    expect(container(m).resources.limits['nvidia.com/gpu']).toBeUndefined();
    expect(predictor(m).tolerations).toEqual([{ key: 'gpu-pool', operator: 'Equal', value: 'h100', effect: 'NoExecute' }]);
    expect(predictor(m).nodeSelector).toBeUndefined();
    expect(args(m)['--tensor-parallel-size']).toBe('2');
  });
});

describe('bad input fails at construction with the path, the id and the fix', () => {
  const build = (overrides: object) => () => synth(overrides);

  test('a priority below 0, or both a class name and a value', () => {
    expect(build({ capacity: { priority: -10 } })).toThrow(/\[CS-IN-004\] priority -10 is not an integer in \[0, 1000000000\]/);
    expect(build({ capacity: { priority: 5, priorityClassName: 'x' } })).toThrow(/\[CS-IN-042\] both capacity.priorityClassName/);
  });
});

describe('LocalModelCache plumbing: the nodes the capacity lever creates carry the local-model label', () => {
  const cache = () => WeightSource.localModelCache('gs://models/qwen', { nodeGroup: CacheNodeGroup.existing('nvme') });

  test('GKE: the ComputeClass labels its nodes kserve/localmodel=worker (and validates)', () => {
    const m = synth({ profile: gke, weights: cache(), capacity: { gke: { computeClass: { gpuType: 'nvidia-l4' } } } }).manifests;
    const cc = find(m, 'ComputeClass')[0];
    expect(cc.spec.nodePoolConfig.nodeLabels).toEqual({ 'kserve/localmodel': 'worker' });
    expect(schemaErrors(cc)).toEqual([]);
  });

  test('EKS: the NodePool template labels its nodes', () => {
    const m = synth({ profile: eks, weights: cache(), capacity: { eks: { nodePool: NODE_POOL } } }).manifests;
    const np = find(m, 'NodePool')[0];
    expect(np.spec.template.metadata.labels).toEqual({ 'kserve/localmodel': 'worker' });
    expect(schemaErrors(np)).toEqual([]);
  });

  test('other weight sources add no node label', () => {
    const m = synth({ profile: gke, capacity: { gke: { computeClass: { gpuType: 'nvidia-l4' } } } }).manifests;
    expect(find(m, 'ComputeClass')[0].spec.nodePoolConfig?.nodeLabels).toBeUndefined();
  });
});

describe('GPU reservations (issue #19 §6)', () => {
  const NC = '^serving/qwen/NodeCapacity: \\[CS-IN-078\\] ';
  const cc = (computeClass: object) => ({ profile: gke, capacity: { gke: { computeClass: { gpuType: 'nvidia-h100-80gb', ...computeClass } } } });
  const pool = (extra: object) => ({ profile: eks, capacity: { eks: { nodePool: { ...NODE_POOL, ...extra } } } });

  test('GKE: reservations add a first on-demand rule that consumes them, before Spot and on-demand', () => {
    const m = synth(cc({ machineFamily: 'a3', reservations: { specific: [{ name: 'h100-res', project: 'shared-gpus', reservationBlock: 'block-1', reservationSubBlock: 'sub-1', zones: ['us-central1-a'] }] } })).manifests;
    const gpu = { type: 'nvidia-h100-80gb', count: 1 };
    const spec = one(m, 'ComputeClass').spec;
    expect(spec.priorities).toEqual([
      {
        machineFamily: 'a3',
        spot: false,
        gpu,
        reservations: {
          affinity: 'Specific',
          specific: [{ name: 'h100-res', project: 'shared-gpus', reservationBlock: { name: 'block-1', reservationSubBlock: { name: 'sub-1' } }, zones: ['us-central1-a'] }],
        },
      },
      { machineFamily: 'a3', spot: true, gpu },
      { machineFamily: 'a3', spot: false, gpu },
    ]);
  });

  test('GKE: affinity defaults to AnyBestEffort without specific reservations; a rule in priorities takes its own', () => {
    expect(one(synth(cc({ reservations: {} })).manifests, 'ComputeClass').spec.priorities[0].reservations).toEqual({ affinity: 'AnyBestEffort' });
    const m = synth({
      profile: gke,
      capacity: { gke: { computeClass: { priorities: [{ gpuType: 'nvidia-l4', reservations: { affinity: GkeReservationAffinity.ANY_THEN_FAIL } }, { gpuType: 'nvidia-l4', spot: true }] } } },
    }).manifests;
    const [reserved, spot] = one(m, 'ComputeClass').spec.priorities;
    expect(reserved.reservations).toEqual({ affinity: 'AnyThenFail' });
    expect(spot.reservations).toBeUndefined();
  });

  test('EKS: capacityReservationSelectorTerms on the EC2NodeClass, reserved first in the NodePool', () => {
    const m = synth(pool({ capacityReservations: [{ id: 'cr-0123456789abcdef0' }, { tags: { team: 'llm' }, ownerId: '123456789012' }] })).manifests;
    expect(one(m, 'EC2NodeClass').spec.capacityReservationSelectorTerms).toEqual([{ id: 'cr-0123456789abcdef0' }, { tags: { team: 'llm' }, ownerID: '123456789012' }]);
    expect(one(m, 'NodePool').spec.template.spec.requirements[1]).toEqual({ key: 'karpenter.sh/capacity-type', operator: 'In', values: ['reserved', 'spot', 'on-demand'] });
  });

  test('EKS: explicit capacity types are kept (reservations only, no fallback)', () => {
    const m = synth(pool({ capacityTypes: [KarpenterCapacityType.RESERVED], capacityReservations: [{ tags: { team: 'llm' } }] })).manifests;
    expect(one(m, 'NodePool').spec.template.spec.requirements[1].values).toEqual(['reserved']);
  });

  test('without reservations, nothing changes: no term, no reserved type, no reservations block', () => {
    expect(one(synth(pool({})).manifests, 'EC2NodeClass').spec.capacityReservationSelectorTerms).toBeUndefined();
    expect(one(synth(cc({})).manifests, 'ComputeClass').spec.priorities.every((p: any) => p.reservations === undefined)).toBe(true);
  });

  test('the facts say the node is reserved; the report says so on the node capacity row, with the same seconds', () => {
    const reserved = (p: Partial<ColdStartOptimizedModelProps>) => {
      const chart = new Chart(Testing.app(), 'c');
      const lever = new NodeCapacity(chart, 'N', leverContext(chart, { name: 'm', profile: p.profile!, gpu: baseProps(p).gpu, engineImage: VLLM }), p.capacity!);
      const bp = new PodBlueprint();
      lever.contribute(bp.writer(lever));
      bp.finish(lever.kind, Pass.CONTRIBUTE);
      return bp.fact(Facts.CAPACITY_RESERVED);
    };
    expect(reserved(cc({ reservations: {} }))).toBe(true);
    expect(reserved(pool({ capacityReservations: [{ id: 'cr-0123456789abcdef0' }] }))).toBe(true);
    expect(reserved(cc({}))).toBe(false);
    expect(reserved(pool({}))).toBe(false);
    const row = (capacityReserved: boolean) => {
      const writer = ColdStartReportWriter.of(new Construct(undefined as any, 'root'));
      writer.add({ path: 'serving/qwen', name: 'qwen', assessment: assessColdStart({ weightBytes: 1e9, facts: { ...defaultColdStartFacts(), capacityReserved } }), startupBudgetSeconds: 300 });
      return writer.files()[COLDSTART_REPORT_FILE].split('\n').find(l => l.startsWith('| node capacity |'));
    };
    expect(row(true)).toBe('| node capacity | 100 (70-600) | a new GPU node from a capacity reservation (no wait for stock; it still boots) | warm buffer of pause pods: -95 s |');
    expect(row(false)).toBe('| node capacity | 100 (70-600) | a new GPU node | warm buffer of pause pods: -95 s |');
  });

  test.each<[string, Partial<ColdStartOptimizedModelProps>, string]>([
    ['Specific without reservations', cc({ reservations: { affinity: GkeReservationAffinity.SPECIFIC } }), 'ComputeClass priority 0: affinity Specific without a reservation.*Fix: list the reservations'],
    ['specific reservations with another affinity', cc({ reservations: { affinity: GkeReservationAffinity.ANY_BEST_EFFORT, specific: [{ name: 'r' }] } }), 'ComputeClass priority 0: `specific` reservations with affinity AnyBestEffort.*Fix: '],
    ['an affinity that is not one', cc({ reservations: { affinity: 'None' as GkeReservationAffinity } }), 'affinity "None" is not a GkeReservationAffinity.*Fix: '],
    ['a reservation name that is not a GCE name', cc({ reservations: { specific: [{ name: 'Res_1' }] } }), 'reservation 0 name "Res_1" is not a Compute Engine name.*Fix: '],
    ['a bad project', cc({ reservations: { specific: [{ name: 'r', project: 'P' }] } }), 'reservation "r" project "P" is not a project id.*Fix: '],
    ['a sub-block without a block', cc({ reservations: { specific: [{ name: 'r', reservationSubBlock: 's' }] } }), 'reservation "r" has a sub-block without a block.*Fix: set reservationBlock'],
    ['empty zones', cc({ reservations: { specific: [{ name: 'r', zones: [] }] } }), 'reservation "r" zones \\[\\] is empty.*Fix: '],
    ['a zone that is a region', cc({ reservations: { specific: [{ name: 'r', zones: ['us-central1'] }] } }), 'zones \\[us-central1\\] .*not a zone.*Fix: '],
    ['one reservation twice', cc({ reservations: { specific: [{ name: 'r' }, { name: 'r' }] } }), 'reservation "r" is listed twice.*Fix: '],
    ['reservations beside priorities', { profile: gke, capacity: { gke: { computeClass: { reservations: {}, priorities: [{ gpuType: 'nvidia-l4' }] } } } }, 'reservations adds a rule .*priorities replaces that pair.*Fix: set reservations on the rule'],
    ['a Spot rule with reservations', { profile: gke, capacity: { gke: { computeClass: { priorities: [{ gpuType: 'nvidia-l4', spot: true, reservations: {} }] } } } }, 'ComputeClass priority 0 is Spot and consumes reservations.*Fix: set spot: false'],
    ['reserved capacity without reservations', pool({ capacityTypes: [KarpenterCapacityType.RESERVED, KarpenterCapacityType.ON_DEMAND] }), 'capacityTypes allows reserved capacity but capacityReservations selects no reservation.*Fix: '],
    ['reservations the capacity types exclude', pool({ capacityTypes: [KarpenterCapacityType.SPOT], capacityReservations: [{ id: 'cr-1' }] }), 'capacityReservations is set but capacityTypes does not allow reserved.*Fix: add KarpenterCapacityType.RESERVED'],
    ['no terms', pool({ capacityReservations: [] }), 'capacityReservations has 0 terms.*Fix: '],
    ['an id that is not cr-', pool({ capacityReservations: [{ id: 'snap-1' }] }), 'capacityReservations\\[0\\].id "snap-1" is not a capacity reservation id.*Fix: '],
    ['an id with tags', pool({ capacityReservations: [{ id: 'cr-1', tags: { a: 'b' } }] }), 'capacityReservations\\[0\\] sets id with tags or ownerId.*Fix: '],
    ['a term with neither', pool({ capacityReservations: [{ ownerId: '123456789012' }] }), 'capacityReservations\\[0\\] has no id and no usable tags.*Fix: '],
    ['an empty tag value', pool({ capacityReservations: [{ tags: { team: '' } }] }), 'capacityReservations\\[0\\] has no id and no usable tags.*Fix: '],
    ['an owner that is not an account id', pool({ capacityReservations: [{ tags: { a: 'b' }, ownerId: '123' }] }), 'ownerId "123" is not a 12-digit AWS account id.*Fix: '],
  ])('bad input: %s', (_name, props, message) => {
    expect(() => synth(props)).toThrow(new RegExp(`${NC}.*${message}`));
  });

  test('a generic profile emits no reservation: capacity.gke and capacity.eks are refused there', () => {
    expect(() => synth({ capacity: { eks: { nodePool: { ...NODE_POOL, capacityReservations: [{ id: 'cr-1' }] } } } })).toThrow(/\[CS-IN-014\] capacity.eks/);
    expect(() => synth({ capacity: { gke: { computeClass: { gpuType: 'nvidia-l4', reservations: {} } } } })).toThrow(/\[CS-IN-014\] capacity.gke/);
  });
});

describe('EKS: SOCI parallel pull-and-unpack on Bottlerocket (issue #19 §3)', () => {
  const soci = (parallelPull: object = {}, nodePool: object = {}) => ({
    profile: eks, capacity: { eks: { nodePool: { ...NODE_POOL, ...nodePool } } }, imagePull: { eks: { parallelPull } },
  });

  test('the EC2NodeClass user data switches the snapshotter to soci in parallel-pull-unpack mode, with the ECR-tuned defaults', () => {
    const nc = one(synth(soci()).manifests, 'EC2NodeClass');
    expect(nc.spec.userData).toBe([
      '[settings.container-runtime]',
      'snapshotter = "soci"',
      '',
      '[settings.container-runtime-plugins.soci-snapshotter]',
      'pull-mode = "parallel-pull-unpack"',
      '',
      '[settings.container-runtime-plugins.soci-snapshotter.parallel-pull-unpack]',
      'max-concurrent-downloads-per-image = 20',
      'concurrent-download-chunk-size = "16mib"',
      'max-concurrent-unpacks-per-image = 12',
      'discard-unpacked-layers = true',
      '',
    ].join('\n'));
    // No image snapshot: Karpenter's default volumes stay.
    expect(nc.spec.blockDeviceMappings).toBeUndefined();
  });

  test('the tuning props reach the settings; pinned Bottlerocket 1.44.0 and later pass', () => {
    const m = synth(soci({ maxConcurrentDownloadsPerImage: 10, concurrentDownloadChunkSize: Size.mebibytes(8), maxConcurrentUnpacksPerImage: 3, discardUnpackedLayers: false }, { amiAlias: 'bottlerocket@v1.44.0' })).manifests;
    const data: string = one(m, 'EC2NodeClass').spec.userData;
    expect(data).toContain('max-concurrent-downloads-per-image = 10\nconcurrent-download-chunk-size = "8mib"\nmax-concurrent-unpacks-per-image = 3\ndiscard-unpacked-layers = false\n');
    expect(() => synth(soci({}, { amiAlias: 'bottlerocket@1.50.2' }))).not.toThrow();
  });

  test('a data volume size without a snapshot sizes the Bottlerocket data volume the layers are buffered on', () => {
    const imagePull = { eks: { parallelPull: {}, dataVolumeSize: Size.gibibytes(200) } };
    const m = synth({ profile: eks, capacity: { eks: { nodePool: NODE_POOL } }, imagePull }).manifests;
    const ebs = { volumeType: 'gp3', encrypted: true, deleteOnTermination: true };
    expect(one(m, 'EC2NodeClass').spec.blockDeviceMappings).toEqual([
      { deviceName: '/dev/xvda', ebs: { ...ebs, volumeSize: '4Gi' } },
      { deviceName: '/dev/xvdb', ebs: { ...ebs, volumeSize: '200Gi' } },
    ]);
  });

  test('without parallelPull no user data is written', () => {
    expect(one(synth({ profile: eks, capacity: { eks: { nodePool: NODE_POOL } } }).manifests, 'EC2NodeClass').spec.userData).toBeUndefined();
  });

  test('the estimate takes 40% of a registry pull (25-60% in the fast and slow cases) and the report says so; a pre-pulled image is unaffected', () => {
    const detail = (facts: object) => assessColdStart({ weightBytes: 1e9, facts: { ...defaultColdStartFacts(), ...facts } }).detail;
    expect(detail({ parallelPull: true }).imagePullSeconds).toBeCloseTo(detail({}).imagePullSeconds * 0.4);
    expect(detail({ parallelPull: true }).imagePullRange.high).toBeCloseTo(detail({}).imagePullRange.high * 0.6);
    expect(detail({ parallelPull: true, imageArrival: ImageArrival.PRE_PULLED }).imagePullSeconds).toBe(0);
    const writer = ColdStartReportWriter.of(new Construct(undefined as any, 'root'));
    writer.add({ path: 'serving/qwen', name: 'qwen', assessment: assessColdStart({ weightBytes: 1e9, facts: { ...defaultColdStartFacts(), parallelPull: true } }), startupBudgetSeconds: 300 });
    expect(writer.files()[COLDSTART_REPORT_FILE]).toContain('| image pull | 96 (18.8-288) | pulled from the registry (digest-pinned, IfNotPresent) with SOCI parallel pull (40-75% less pull time published) |');
  });

  test('the image lever tells the estimate', () => {
    const chart = new Chart(Testing.app(), 'c');
    const props = baseProps({});
    const context = leverContext(chart, { name: 'm', profile: eks, gpu: props.gpu, engineImage: VLLM });
    const levers = [
      new NodeCapacity(chart, 'N', context, { eks: { nodePool: NODE_POOL }, warmBuffer: { enabled: false } }),
      new WeightLoad(chart, 'W', context, props.weights),
      new ImagePull(chart, 'I', context, { eks: { parallelPull: {} } }),
    ];
    const bp = new PodBlueprint();
    for (const l of levers) {
      l.contribute(bp.writer(l));
      bp.finish(l.kind, Pass.CONTRIBUTE);
    }
    expect([bp.fact(Facts.PARALLEL_PULL), bp.fact(Facts.IMAGE_ARRIVAL)]).toEqual([true, ImageArrival.REGISTRY]);
  });

  const IP = '^serving/qwen/ImagePull: \\[CS-IN-079\\] ';
  const NC = '^serving/qwen/NodeCapacity: \\[CS-IN-079\\] ';
  test.each<[string, Partial<ColdStartOptimizedModelProps>, string]>([
    ['beside an image snapshot', { ...soci(), imagePull: { eks: { dataVolumeSnapshotId: 'snap-0123456789abcdef0', parallelPull: {} } } }, `${IP}imagePull.eks sets both dataVolumeSnapshotId and parallelPull.*Fix: keep the snapshot`],
    ['an imagePull.eks that sets nothing', { ...soci(), imagePull: { eks: {} } }, `${IP}imagePull.eks sets neither.*Fix: `],
    ['without a NodePool', { profile: eks, imagePull: { eks: { parallelPull: {} } } }, `${NC}imagePull.eks.parallelPull lives in the user data .*Fix: add capacity.eks.nodePool`],
    ['on AL2023', soci({}, { amiAlias: 'al2023@latest' }), `${NC}.*Bottlerocket's settings API, but amiAlias is "al2023@latest".*Fix: `],
    ['on Bottlerocket before 1.44.0', soci({}, { amiAlias: 'bottlerocket@v1.43.9' }), `${NC}.*needs Bottlerocket 1.44.0 or later, and amiAlias is "bottlerocket@v1.43.9".*Fix: `],
    ['on a Bottlerocket alias that is not a version', soci({}, { amiAlias: 'bottlerocket@v1' }), `${NC}.*needs Bottlerocket 1.44.0 or later.*Fix: `],
    ['zero downloads', soci({ maxConcurrentDownloadsPerImage: 0 }), `${IP}imagePull.eks.parallelPull.maxConcurrentDownloadsPerImage 0 is not an integer.*Fix: `],
    ['fractional unpacks', soci({ maxConcurrentUnpacksPerImage: 2.5 }), `${IP}imagePull.eks.parallelPull.maxConcurrentUnpacksPerImage 2.5 .*Fix: `],
    ['a chunk that is not whole MiB', soci({ concurrentDownloadChunkSize: Size.kibibytes(1536) }), `${IP}.*concurrentDownloadChunkSize is 1572864 bytes, not a whole number of MiB.*Fix: `],
    ['a chunk that is not a Size', soci({ concurrentDownloadChunkSize: 16 as any }), `${IP}.*concurrentDownloadChunkSize is not a Size.*Fix: `],
  ])('bad input: %s', (_name, props, message) => {
    expect(() => synth(props)).toThrow(new RegExp(message));
  });

  test('a generic profile writes no Bottlerocket setting: imagePull.eks is refused there', () => {
    expect(() => synth({ imagePull: { eks: { parallelPull: {} } } })).toThrow(/\[CS-IN-014\] imagePull.eks/);
  });
});
