import { spawnSync } from 'child_process';
import { readFileSync } from 'fs';
import { join } from 'path';
import { Size } from 'cdk8s';
import { Cloud, Findings, Profile, WeightLoader, WeightSource } from '../../src';
import { COLDSTART_REPORT_FILE } from '../../src/estimate/cold-start-report';
import { weightsMountScript } from '../../src/levers/capacity/eks/ec2-node-class';
import { container, find, predictor, synth } from '../util';

const eks = Profile.production({ cloud: Cloud.eks({ region: 'us-east-1' }) });
const NODE_POOL = { instanceTypes: ['g6e.12xlarge'], nodeRole: 'KarpenterNodeRole-c', selectorTags: { 'karpenter.sh/discovery': 'c' } };
const SNAP = 'snap-0123456789abcdef0';
const HOST = `/mnt/coldstart-weights/${SNAP}`;
const WL = 'serving/qwen/WeightLoad';
const error = (path: string, id: string, text: string) => new RegExp(`^${path}: \\[${id}\\] .*${text}.*Fix: `);

const make = (weights = WeightSource.ebsSnapshot(SNAP, { directory: 'qwen' }), nodePool: object = NODE_POOL) =>
  synth({ profile: eks, capacity: { eks: { nodePool: nodePool as any } }, weights });
const nodeClass = (m: any[]) => { const f = find(m, 'EC2NodeClass'); expect(f).toHaveLength(1); return f[0]; };
const userData = (m: any[]): string => nodeClass(m).spec.userData;
const script = (m: any[]): string => Buffer.from(/user-data = "([A-Za-z0-9+/=]+)"/.exec(userData(m))![1], 'base64').toString();

describe('WeightSource.ebsSnapshot', () => {
  test('the EC2NodeClass restates the Bottlerocket volumes and restores the weights volume as /dev/xvdc', () => {
    expect(nodeClass(make().manifests).spec.blockDeviceMappings).toEqual([
      { deviceName: '/dev/xvda', ebs: { volumeType: 'gp3', encrypted: true, deleteOnTermination: true, volumeSize: '4Gi' } },
      { deviceName: '/dev/xvdb', ebs: { volumeType: 'gp3', encrypted: true, deleteOnTermination: true, volumeSize: '20Gi' } },
      // No `encrypted`: EC2 refuses it on a volume created from a snapshot (it keeps the snapshot's).
      { deviceName: '/dev/xvdc', ebs: { volumeType: 'gp3', snapshotID: SNAP, throughput: 1000, iops: 4000, volumeInitializationRate: 300, deleteOnTermination: true } },
    ]);
  });

  test('an image snapshot and its data volume size stay on /dev/xvdb beside the weights volume', () => {
    const m = synth({
      profile: eks,
      capacity: { eks: { nodePool: NODE_POOL } },
      imagePull: { eks: { dataVolumeSnapshotId: 'snap-0fedcba9876543210', dataVolumeSize: Size.gibibytes(100) } },
      weights: WeightSource.ebsSnapshot(SNAP, { size: Size.gibibytes(300), throughputMiBps: 500, fastSnapshotRestore: true }),
    }).manifests;
    const devices = nodeClass(m).spec.blockDeviceMappings;
    expect(devices[1]).toEqual({ deviceName: '/dev/xvdb', ebs: { volumeType: 'gp3', encrypted: true, deleteOnTermination: true, snapshotID: 'snap-0fedcba9876543210', volumeSize: '100Gi' } });
    // Fast Snapshot Restore: no initialization rate; the IOPS floor is gp3's 3,000.
    expect(devices[2]).toEqual({ deviceName: '/dev/xvdc', ebs: { volumeType: 'gp3', snapshotID: SNAP, volumeSize: '300Gi', throughput: 500, iops: 3000, deleteOnTermination: true } });
  });

  test('a bootstrap container mounts the volume read-only on the node before the kubelet, at every boot, or the node does not come up', () => {
    const m = make().manifests;
    expect(userData(m)).toMatch(
      /^\[settings\.bootstrap-containers\.coldstart-weights\]\nmode = "always"\nessential = true\nuser-data = "[A-Za-z0-9+/=]+"\n$/);
    const s = script(m);
    expect(s).toBe(weightsMountScript({ snapshotId: SNAP, deviceName: '/dev/xvdc', hostPath: HOST, throughputMiBps: 1000, iops: 4000 }));
    expect(s).toMatch(/^#!\/bin\/sh\n/);
    expect(s).toContain('dev=/.bottlerocket/rootfs/dev/disk/by-ebs-id/xvdc\n');
    expect(s).toContain(`target=/.bottlerocket/rootfs${HOST}\n`);
    expect(s).toContain('mount -o ro,noatime "$(readlink -f "$dev")" "$target"');
  });

  test('SOCI parallel pull settings and the bootstrap container share the user data', () => {
    const m = synth({
      profile: eks, capacity: { eks: { nodePool: NODE_POOL } }, imagePull: { eks: { parallelPull: {} } }, weights: WeightSource.ebsSnapshot(SNAP),
    }).manifests;
    const ud = userData(m);
    expect(ud).toContain('snapshotter = "soci"');
    expect(ud).toContain('[settings.bootstrap-containers.coldstart-weights]');
  });

  test('the model reads the node directory read-only through a hostPath that must exist, offline, with the streamer', () => {
    const m = make().manifests;
    expect(predictor(m).volumes).toContainEqual({ name: 'ebs-weights', hostPath: { path: HOST, type: 'Directory' } });
    const c = container(m);
    expect(c.volumeMounts).toContainEqual({ name: 'ebs-weights', mountPath: '/mnt/models', readOnly: true, subPath: 'qwen' });
    expect(c.env).toEqual(expect.arrayContaining([{ name: 'HF_HUB_OFFLINE', value: '1' }, { name: 'TRANSFORMERS_OFFLINE', value: '1' }]));
    expect(c.args).toEqual(expect.arrayContaining(['--model=/mnt/models', '--load-format=runai_streamer']));
  });

  test('the script waits for the device, mounts once, and fails the boot when the device never appears', () => {
    const s = weightsMountScript({ snapshotId: SNAP, deviceName: '/dev/xvdc', hostPath: HOST, throughputMiBps: 1000, iops: 4000 });
    expect(s).toContain('if ! mountpoint -q "$target"; then');
    expect(s).toMatch(/if \[ "\$i" -gt 120 \]; then echo .*; exit 1; fi/);
    // POSIX sh parses it (the default bootstrap container runs it through its #! line).
    expect(spawnSync('sh', ['-n'], { input: s }).status).toBe(0);
    expect(spawnSync('sh', ['-n'], { input: s.replace('; fi', '') }).status).not.toBe(0);
  });

  test('the estimate reads a gp3 block volume at the initialization rate on a new node, at its throughput on a held one', () => {
    const estimate = (weights: WeightSource, warm: boolean) => synth({
      profile: eks,
      capacity: { eks: { nodePool: NODE_POOL }, warmBuffer: { enabled: warm } },
      weights,
    }).model.estimate;
    const cold = estimate(WeightSource.ebsSnapshot(SNAP), false);
    const held = estimate(WeightSource.ebsSnapshot(SNAP), true);
    const fast = estimate(WeightSource.ebsSnapshot(SNAP, { fastSnapshotRestore: true }), false);
    expect(cold.weightLoadSeconds).toBeGreaterThan(held.weightLoadSeconds * 2);
    expect(fast.weightLoadSeconds).toBeCloseTo(held.weightLoadSeconds, 5);
  });

  test('sharded state is refused: the library writes shards only onto its own shared volume', () => {
    expect(() => WeightSource.ebsSnapshot(SNAP, { loader: WeightLoader.shardedState() })).toThrow(/\[CS-IN-069\]/);
  });

  test.each([
    ['not a snapshot id', () => WeightSource.ebsSnapshot('snap-123'), 'is not an EBS snapshot id'],
    ['a volume id', () => WeightSource.ebsSnapshot('vol-0123456789abcdef0'), 'is not an EBS snapshot id'],
    ['throughput above Karpenter\'s gp3 maximum', () => WeightSource.ebsSnapshot(SNAP, { throughputMiBps: 2000 }), 'throughputMiBps 2000 is not a whole number from 125 to 1000'],
    ['a fractional throughput', () => WeightSource.ebsSnapshot(SNAP, { throughputMiBps: 500.5 }), 'throughputMiBps 500.5'],
    ['IOPS below gp3\'s floor', () => WeightSource.ebsSnapshot(SNAP, { iops: 100 }), 'iops 100 is not a whole number from 3000 to 16000'],
    ['throughput above 0.25 MiB/s per IOPS', () => WeightSource.ebsSnapshot(SNAP, { throughputMiBps: 1000, iops: 3000 }), 'needs at least 4000 IOPS'],
    ['an initialization rate above 300', () => WeightSource.ebsSnapshot(SNAP, { initializationRateMiBps: 500 }), 'initializationRateMiBps 500'],
    ['a fast-restored snapshot with a rate', () => WeightSource.ebsSnapshot(SNAP, { fastSnapshotRestore: true, initializationRateMiBps: 200 }), 'both given'],
    ['fastSnapshotRestore as a string', () => WeightSource.ebsSnapshot(SNAP, { fastSnapshotRestore: 'true' as any }), 'not a boolean'],
    ['options that are not an object', () => WeightSource.ebsSnapshot(SNAP, 'fast' as any), 'not an options object'],
  ])('%s is CS-IN-089', (_, make_, text) => {
    expect(make_).toThrow(error('WeightSource.ebsSnapshot', 'CS-IN-089', text));
  });

  test('a directory that climbs out of the volume is CS-IN-011', () => {
    expect(() => WeightSource.ebsSnapshot(SNAP, { directory: '../etc' })).toThrow(/\[CS-IN-011\]/);
  });

  test('a size below the model is CS-IN-089 at the lever', () => {
    expect(() => make(WeightSource.ebsSnapshot(SNAP, { size: Size.gibibytes(0.5) }))).toThrow(error(WL, 'CS-IN-089', 'below the model size'));
  });

  test('outside EKS, without a NodePool, or on another AMI it is refused', () => {
    expect(() => synth({ profile: Profile.production(), weights: WeightSource.ebsSnapshot(SNAP) })).toThrow(error(WL, 'CS-IN-014', 'is an EKS accelerator'));
    expect(() => synth({ profile: eks, weights: WeightSource.ebsSnapshot(SNAP) })).toThrow(error('serving/qwen/NodeCapacity', 'CS-IN-090', 'there is none'));
    expect(() => make(undefined, { ...NODE_POOL, amiAlias: 'al2023@latest' })).toThrow(/\[CS-IN-090\] .*amiAlias is "al2023@latest"/);
    expect(() => make(undefined, { ...NODE_POOL, amiAlias: 'bottlerocket@v1.33.0' })).toThrow(/\[CS-IN-090\] .*needs Bottlerocket 1\.34\.0 or later/);
    expect(nodeClass(make(undefined, { ...NODE_POOL, amiAlias: 'bottlerocket@v1.34.0' }).manifests).spec.amiSelectorTerms).toEqual([{ alias: 'bottlerocket@v1.34.0' }]);
  });

  test('the baseline pack passes on the synthesized model (the engine runs as its non-root uid)', () => {
    const { app } = make();
    expect(Findings.of(app).map(f => f.ruleId)).toEqual([]);
  });

  test('the pod is pinned to the NodePool whose nodes mount the volume', () => {
    expect(predictor(make().manifests).nodeSelector).toMatchObject({ 'karpenter.sh/nodepool': expect.any(String) });
  });

});

test('the report\'s weight-load row names the path and the volume', () => {
  const { app } = synth({ profile: eks, capacity: { eks: { nodePool: NODE_POOL } }, weights: WeightSource.ebsSnapshot(SNAP) });
  const row = readFileSync(join(app.outdir, COLDSTART_REPORT_FILE), 'utf8').split('\n').find(l => l.startsWith('| weight load |'))!;
  expect(row).toContain('EBS volume from a snapshot');
});
