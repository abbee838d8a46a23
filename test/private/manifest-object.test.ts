import { ApiObject, App, Chart, IResolver, JsonPatch, Lazy, ResolutionContext, Testing } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import * as fc from 'fast-check';
import { Aspects, Backend, ColdStartOptimizedModel, Profile, WeightSource } from '../../src';
import { clusterScoped } from '../../src/private/cluster-scoped';
import { ManifestObject, typedToJson } from '../../src/private/manifest-object';
import { baseProps } from '../util';

/** What cdk8s' own ApiObject.toJson writes for the same object: the reference. */
const general = (o: ApiObject) => ApiObject.prototype.toJson.call(o);
const CLUSTER_SCOPED = new Set(['PriorityClass', 'PersistentVolume', 'StorageClass', 'LocalModelCache', 'LocalModelNodeGroup', 'NodePool', 'EC2NodeClass', 'ComputeClass']);
/** Byte for byte, key order included. */
const bytes = (x: unknown) => JSON.stringify(x);

function chart(namespace?: string, app: App = Testing.app()): Chart {
  return new Chart(app, 'c', { namespace });
}

describe('ManifestObject writes what ApiObject.toJson writes', () => {
  test('every object of production models on every backend, in a namespaced chart', () => {
    const c = chart('serving');
    new ColdStartOptimizedModel(c, 'kn', baseProps({ name: 'kn', profile: Profile.production() }));
    new ColdStartOptimizedModel(c, 'dep', baseProps({ name: 'dep', profile: Profile.production(), backend: Backend.deployment(), weights: WeightSource.existingClaim('w') }));
    const objects = c.node.findAll().filter(ApiObject.isApiObject) as ApiObject[];
    expect(objects.filter(o => CLUSTER_SCOPED.has(o.kind)).length).toBeGreaterThan(0);
    for (const o of objects) {
      expect(ManifestObject.isManifestObject(o)).toBe(true);
      const json = o.toJson();
      expect(bytes(json)).toBe(bytes(general(o)));
      expect(json.metadata.namespace).toBe(CLUSTER_SCOPED.has(o.kind) ? undefined : 'serving');
    }
  });

  test('typed props render as the typed L1 writes them', () => {
    const props: k8s.KubePersistentVolumeClaimProps = {
      metadata: { name: 'claim', labels: { b: '2', a: '1' } },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: k8s.Quantity.fromString('50Gi') } } },
    };
    const typed = new k8s.KubePersistentVolumeClaim(chart('ns'), 'typed', props);
    const ours = ManifestObject.render(chart('ns'), 'ours', k8s.KubePersistentVolumeClaim, props);
    expect(bytes(ours.toJson())).toBe(bytes(typed.toJson()));
  });

  test('random typed props (free-form data, nulls, "constructor" and "__proto__" keys) render as the typed L1 writes them', () => {
    let i = 0;
    const key = fc.oneof(fc.string({ minLength: 1 }), fc.constantFrom('constructor', '__proto__', 'a', 'z'));
    const data = fc.dictionary(key, fc.oneof(fc.string(), fc.constant(null as any)), { noNullPrototype: true });
    fc.assert(fc.property(data, fc.array(fc.string()), (entries, finalizers) => {
      const props = (): k8s.KubeConfigMapProps => ({
        metadata: { name: `cm${i}`, labels: { b: '2', a: '1' }, finalizers: [...finalizers] },
        data: JSON.parse(JSON.stringify(entries)),
        immutable: i % 2 === 0 ? true : undefined,
      });
      const id = `o${i++}`;
      const typed = new k8s.KubeConfigMap(chart('ns'), id, props());
      const ours = ManifestObject.render(chart('ns'), id, k8s.KubeConfigMap, props());
      const render = (x: ApiObject) => { try { return bytes(x.toJson()); } catch (e) { return String(e).replace(/construct at path '[^']*' with name '[^']*'/, ''); } };
      expect(render(ours)).toBe(render(typed));
    }), { numRuns: 300 });
  });

  test('random plain JSON bodies, nulls and empty values included, against a plain ApiObject twin', () => {
    const ours = chart('ns');
    const plain = chart('ns');
    let i = 0;
    fc.assert(fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.jsonValue(), { noNullPrototype: true }), spec => {
      const manifest = () => ({ apiVersion: 'example.com/v1', kind: 'Thing', metadata: { labels: { a: 'b' } }, spec: JSON.parse(JSON.stringify(spec)), data: [null, { z: 1, a: null }] });
      const id = `o${i++}`;
      const o = new ManifestObject(ours, id, manifest());
      const twin = new ApiObject(plain, id, manifest());
      // Whatever cdk8s makes of it, a value or an error, ours makes the same.
      const render = (x: ApiObject) => { try { return bytes(x.toJson()); } catch (e) { return String(e).replace(/construct at path '[^']*' with name '[^']*'/, ''); } };
      expect(render(o)).toBe(render(twin));
    }), { numRuns: 500 });
  });

  test('an object with a "constructor" key is left to cdk8s', () => {
    const data = { constructor: 'x' };
    const o = new ManifestObject(chart(), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data });
    const twin = new ApiObject(chart(), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data });
    expect(() => twin.toJson()).toThrow(/non-simple object/);
    expect(() => o.toJson()).toThrow(/non-simple object/);
  });

  test('JSON patches apply as on a plain ApiObject twin, key order included', () => {
    const manifest = () => ({ apiVersion: 'v1', kind: 'ConfigMap', data: { b: '2', a: '1' }, immutable: false });
    const patches = [
      JsonPatch.add('/data/c', '3'), JsonPatch.replace('/data/a', 'one'), JsonPatch.remove('/data/b'),
      JsonPatch.add('/binaryData', { z: 'eg==' }), JsonPatch.add('/metadata/labels', { team: 'ml' }),
    ];
    const o = new ManifestObject(chart('ns'), 'o', manifest());
    const twin = new ApiObject(chart('ns'), 'o', manifest());
    o.addJsonPatch(...patches);
    twin.addJsonPatch(...patches);
    expect(bytes(o.toJson())).toBe(bytes(twin.toJson()));
    expect(o.toJson().data).toEqual({ a: 'one', c: '3' });
  });

  test('a patch that cannot apply fails with cdk8s\' message naming the construct', () => {
    const o = new ManifestObject(chart(), 'o', { apiVersion: 'v1', kind: 'ConfigMap' });
    o.addJsonPatch(JsonPatch.remove('/data/missing'));
    expect(() => o.toJson()).toThrow(/Failed serializing construct at path 'c\/o'/);
  });

  test('metadata added after construction shows, and each call returns a fresh object', () => {
    const o = new ManifestObject(chart(), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { k: 'v' } });
    const first = o.toJson();
    first.data.k = 'changed';
    o.metadata.addLabel('team', 'ml');
    o.metadata.addAnnotation('note', 'x');
    const second = o.toJson();
    expect(second.data.k).toBe('v');
    expect(second.metadata.labels).toEqual({ team: 'ml' });
    expect(bytes(second)).toBe(bytes(general(o)));
  });

  test('the body is a copy: changing the data it was built from changes nothing', () => {
    const data = { k: 'v' };
    const o = new ManifestObject(chart(), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data });
    data.k = 'changed';
    expect(o.toJson().data).toEqual({ k: 'v' });
  });

  test('JSON patches apply, after the namespace a cluster-scoped object drops', () => {
    const o = clusterScoped(ManifestObject.render(chart('serving'), 'pc', k8s.KubePriorityClass, { value: 10 }));
    expect(o.toJson().metadata.namespace).toBeUndefined();
    // A user patch that puts a namespace back wins, as it would after clusterScoped()'s own patch.
    o.addJsonPatch(JsonPatch.add('/metadata/namespace', 'back'), JsonPatch.replace('/value', 20));
    expect(o.toJson()).toMatchObject({ metadata: { namespace: 'back' }, value: 20 });
  });

  test('an object patched before clusterScoped() still loses the chart namespace', () => {
    const o = new ManifestObject(chart('serving'), 'o', { apiVersion: 'v1', kind: 'Namespace' });
    o.addJsonPatch(JsonPatch.add('/metadata/labels', { a: 'b' }));
    clusterScoped(o);
    expect(o.toJson().metadata).toEqual({ name: o.name, labels: { a: 'b' } });
  });

  test('Lazy values and custom resolvers take the general path and are resolved', () => {
    const lazy = new ManifestObject(chart(), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { k: Lazy.any({ produce: () => 'produced' }) } });
    expect(lazy.toJson().data.k).toBe('produced');
    const upper: IResolver = { resolve: (ctx: ResolutionContext) => { if (ctx.value === 'v' && ctx.key.join('.') === 'data.k') ctx.replaceValue('V'); } };
    const app = Testing.app({ resolvers: [upper] });
    const resolved = new ManifestObject(chart(undefined, app), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { k: 'v' } });
    expect(resolved.toJson().data.k).toBe('V');
  });

  test('random metadata, given and added later, against a plain ApiObject twin', () => {
    const ours = chart('ns');
    const plain = chart('ns');
    let i = 0;
    const entries = fc.dictionary(fc.string({ minLength: 1 }), fc.string(), { noNullPrototype: true });
    const extra = fc.dictionary(fc.string({ minLength: 1 }), fc.jsonValue(), { noNullPrototype: true });
    fc.assert(fc.property(entries, entries, extra, fc.array(fc.string()), (labels, annotations, added, finalizers) => {
      const manifest = () => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { labels, annotations: { ...annotations }, finalizers: [...finalizers] } });
      const id = `o${i++}`;
      const pair = [new ManifestObject(ours, id, manifest()), new ApiObject(plain, id, manifest())];
      for (const o of pair) {
        for (const [k, v] of Object.entries(added)) o.metadata.add(k, JSON.parse(JSON.stringify(v)));
        o.metadata.addLabel('later', 'x');
      }
      const render = (x: ApiObject) => { try { return bytes(x.toJson()); } catch (e) { return String(e).replace(/construct at path '[^']*' with name '[^']*'/, ''); } };
      expect(render(pair[0])).toBe(render(pair[1]));
    }), { numRuns: 300 });
  });

  test('metadata that is not plain JSON is resolved by cdk8s', () => {
    const o = new ManifestObject(chart(), 'o', { apiVersion: 'v1', kind: 'ConfigMap' });
    o.metadata.add('generateName', Lazy.any({ produce: () => 'produced-' }));
    expect(o.toJson().metadata.generateName).toBe('produced-');
    expect(bytes(o.toJson())).toBe(bytes(general(o)));
  });

  test('CDK8S_DISABLE_SORT is honoured as ApiObject honours it', () => {
    const manifest = () => ({ apiVersion: 'v1', kind: 'ConfigMap', data: { b: '2', a: '1' } });
    process.env.CDK8S_DISABLE_SORT = '1';
    try {
      const o = new ManifestObject(chart(), 'o', manifest());
      const twin = new ApiObject(chart(), 'o', manifest());
      expect(Object.keys(o.toJson().data)).toEqual(['b', 'a']);
      expect(bytes(o.toJson())).toBe(bytes(twin.toJson()));
    } finally {
      delete process.env.CDK8S_DISABLE_SORT;
    }
  });

  test('typed props convert as the generated toJson_* writes them, and the test suite checks every conversion', () => {
    const spec: k8s.PodSpec = {
      containers: [{ name: 'c', image: 'i', args: ['a', undefined as any], resources: { limits: { memory: k8s.Quantity.fromString('1Gi'), cpu: k8s.Quantity.fromNumber(2) } } }],
      volumes: [{ name: 'shm', emptyDir: { medium: 'Memory', sizeLimit: k8s.Quantity.fromString('16Gi') } }],
      terminationGracePeriodSeconds: undefined,
    };
    // Key order aside (ManifestObject sorts keys), the same JSON.
    expect(typedToJson('p', spec, k8s.toJson_PodSpec)).toStrictEqual(k8s.toJson_PodSpec(spec));
    expect(typedToJson('p', spec, k8s.toJson_PodSpec).containers[0].resources.limits).toEqual({ memory: '1Gi', cpu: 2 });
    // A key the generated code renames (hostIpc -> hostIPC) cannot pass unnoticed: test/setup.ts turns the check on.
    expect(() => typedToJson('c/pod', { containers: [], hostIpc: true }, k8s.toJson_PodSpec)).toThrow(/c\/pod: typed props convert differently/);
    expect(() => typedToJson('c/pod', { containers: [], x: new Map() }, () => ({}))).toThrow(/^c\/pod: cannot render a Map/);
  });

  test('an ApiObject that is not ours is not taken for one', () => {
    expect(ManifestObject.isManifestObject(new ApiObject(chart(), 'raw', { apiVersion: 'v1', kind: 'ConfigMap' }))).toBe(false);
  });
});

describe('the JSON the rule pack judged is what synth writes', () => {
  const configMap = () => new ManifestObject(chart('ns'), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { k: 'v' } });

  test('handed to the next toJson() once, then rendered afresh', () => {
    const o = configMap();
    const judged = o._judge();
    expect(o.toJson()).toBe(judged);
    const fresh = o.toJson();
    expect(fresh).not.toBe(judged);
    expect(bytes(fresh)).toBe(bytes(judged));
  });

  test.each([
    ['addLabel', (o: ApiObject) => o.metadata.addLabel('team', 'ml')],
    ['addAnnotation', (o: ApiObject) => o.metadata.addAnnotation('note', 'x')],
    ['add', (o: ApiObject) => o.metadata.add('generateName', 'g-')],
    ['addFinalizers', (o: ApiObject) => o.metadata.addFinalizers('f')],
    ['addOwnerReference', (o: ApiObject) => o.metadata.addOwnerReference({ apiVersion: 'v1', kind: 'ConfigMap', name: 'p', uid: 'u' })],
    ['addJsonPatch', (o: ApiObject) => o.addJsonPatch(JsonPatch.add('/data/k2', 'v2'))],
  ])('forgotten when %s changes the object after it was judged', (_, change) => {
    const o = configMap();
    const judged = o._judge();
    change(o);
    const written = o.toJson();
    expect(written).not.toBe(judged);
    expect(bytes(written)).toBe(bytes(general(o)));
    expect(bytes(written)).not.toBe(bytes(judged));
  });

  test('never handed over for Lazy values, which may answer differently on each call', () => {
    let calls = 0;
    const o = new ManifestObject(chart(), 'o', { apiVersion: 'v1', kind: 'ConfigMap', data: { k: Lazy.any({ produce: () => `call-${++calls}` }) } });
    expect(o._judge().data.k).toBe('call-1');
    expect(o.toJson().data.k).toBe('call-2');
  });

  test('metadata fields given through add() yield to the fields cdk8s renders, as in ApiObject', () => {
    const pair = [new ManifestObject(chart('ns'), 'o', { apiVersion: 'v1', kind: 'ConfigMap' }), new ApiObject(chart('ns'), 'o', { apiVersion: 'v1', kind: 'ConfigMap' })];
    for (const o of pair) {
      o.metadata.add('name', 'other');
      o.metadata.add('labels', { ignored: 'yes' });
      o.metadata.addLabel('kept', 'yes');
    }
    expect(bytes(pair[0].toJson())).toBe(bytes(pair[1].toJson()));
    expect(pair[0].toJson().metadata).toEqual({ labels: { kept: 'yes' }, name: pair[0].name, namespace: 'ns' });
  });
});

describe('a typed object holds its typed props and converts them when it renders', () => {
  const claimProps = (): k8s.KubePersistentVolumeClaimProps => ({
    metadata: { name: 'claim', labels: { b: '2', a: '1' } },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: k8s.Quantity.fromString('50Gi') } }, storageClassName: undefined },
  });

  test('on the general path too (custom resolvers), as the typed L1 renders', () => {
    const upper: IResolver = { resolve: (ctx: ResolutionContext) => { if (ctx.value === 'ReadWriteOnce') ctx.replaceValue('ReadWriteMany'); } };
    const app = Testing.app({ resolvers: [upper] });
    const ours = ManifestObject.render(chart('ns', app), 'ours', k8s.KubePersistentVolumeClaim, claimProps());
    const typed = new k8s.KubePersistentVolumeClaim(new Chart(app, 'c2', { namespace: 'ns' }), 'typed', claimProps());
    const json = ours.toJson();
    expect(json.spec).toEqual({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '50Gi' } } });
    expect(bytes(json)).toBe(bytes(typed.toJson()));
    expect(bytes(ours._judge())).toBe(bytes(json));
  });

  test('changes after construction show, judged or not: metadata and JSON patches', () => {
    const c = chart('ns');
    const ours = ManifestObject.render(c, 'ours', k8s.KubePersistentVolumeClaim, claimProps());
    const typed = new k8s.KubePersistentVolumeClaim(c, 'typed', claimProps());
    const first = ours._judge();
    expect(first.spec.resources.requests.storage).toBe('50Gi');
    for (const o of [ours, typed]) {
      o.metadata.addLabel('team', 'ml');
      o.addJsonPatch(JsonPatch.replace('/spec/accessModes/0', 'ReadWriteOncePod'));
    }
    const written = ours.toJson();
    expect(written).not.toBe(first);
    expect(written.metadata.labels).toEqual({ a: '1', b: '2', team: 'ml' });
    expect(written.spec).toEqual({ accessModes: ['ReadWriteOncePod'], resources: { requests: { storage: '50Gi' } } });
    expect(bytes(written)).toBe(bytes(typed.toJson()));
    // Each rendering is a fresh object: changing one changes nothing after.
    written.spec.accessModes.push('ReadOnlyMany');
    expect(ours.toJson().spec.accessModes).toEqual(['ReadWriteOncePod']);
  });

  test('a model\'s InferenceService, changed by an aspect before the pack judges it, is written as changed', () => {
    const app = Testing.app();
    const c = new Chart(app, 'c');
    const model = new ColdStartOptimizedModel(c, 'kn', baseProps({ name: 'kn', profile: Profile.production() }));
    Aspects.of(c).add({
      visit: n => {
        if (n !== model.workload) return;
        model.workload.metadata.addAnnotation('example.com/owner', 'ml');
        model.workload.addJsonPatch(JsonPatch.add('/spec/predictor/containers/0/env/-', { name: 'EXTRA', value: '1' }));
      },
    });
    const isvc = Testing.synth(c).find(o => o.kind === 'InferenceService');
    expect(isvc.metadata.annotations['example.com/owner']).toBe('ml');
    expect(isvc.spec.predictor.containers[0].env.at(-1)).toEqual({ name: 'EXTRA', value: '1' });
    // Quantities are written as their values.
    expect(typeof isvc.spec.predictor.containers[0].resources.limits.memory).toBe('string');
    expect(bytes(isvc)).toBe(bytes(general(model.workload)));
  });

  test('a model\'s typed Deployment, changed by an aspect, is judged and written as changed', () => {
    const build = (change: (workload: ApiObject) => void) => {
      const app = Testing.app();
      const c = new Chart(app, 'c');
      const model = new ColdStartOptimizedModel(c, 'dep', baseProps({ name: 'dep', backend: Backend.deployment(), weights: WeightSource.existingClaim('w') }));
      Aspects.of(c).add({ visit: n => { if (n === model.workload) change(model.workload); } });
      return c;
    };
    const labelled = build(w => {
      w.metadata.addLabel('team', 'ml');
      w.addJsonPatch(JsonPatch.add('/spec/template/metadata/annotations', { 'example.com/note': 'x' }));
    });
    const deployment = Testing.synth(labelled).find(o => o.kind === 'Deployment' && o.metadata.name === 'dep');
    expect(deployment.metadata.labels.team).toBe('ml');
    expect(deployment.spec.template.metadata.annotations).toEqual({ 'example.com/note': 'x' });
    // The pack judges the changed object, not the one rendered at construction.
    const unpinned = build(w => w.addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/image', 'vllm/vllm-openai:latest')));
    expect(() => Testing.synth(unpinned)).toThrow(/c\/dep\/Resource  CS-IMG-001  vllm\/vllm-openai:latest/);
  });
});
