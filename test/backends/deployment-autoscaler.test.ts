import { Duration, Size } from 'cdk8s';
import {
  Backend, DeploymentAutoscaler, Findings, KedaHttpAddOnOptions, ModelServiceType, ModelSize, Profile, RuntimeOptions, WeightSource,
} from '../../src';
import { find, synth, thrown } from '../util';

const CLAIM = WeightSource.existingClaim('qwen-weights');
const addOn = (o?: KedaHttpAddOnOptions) => Backend.deployment({ autoscaler: DeploymentAutoscaler.kedaHttpAddOn(o) });
const one = (m: any[], kind: string) => { const x = find(m, kind); expect(x).toHaveLength(1); return x[0]; };
const model = (m: any[]) => find(m, 'Deployment').find(o => o.metadata.labels['app.kubernetes.io/component'] === 'model-server');

describe('Deployment backend with the KEDA HTTP add-on', () => {
  const lab = (o = {}, namespace: string | null = 'llm') => synth({ weights: CLAIM, backend: addOn(), ...o }, namespace ?? undefined);

  test('scales to zero in lab: KEDA owns the replica count, the floor and ceiling go to the ScaledObject', () => {
    const { manifests: m, model: built } = lab({ scaling: { minReplicas: 0, maxReplicas: 3 } });
    expect(built.minReplicas).toBe(0);
    expect(model(m).spec).not.toHaveProperty('replicas');
    const so = one(m, 'ScaledObject');
    expect(so.apiVersion).toBe('keda.sh/v1alpha1');
    expect(so.metadata.name).toBe('qwen');
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'qwen' });
    expect([so.spec.minReplicaCount, so.spec.maxReplicaCount]).toEqual([0, 3]);
    // The add-on's external scaler, which reports the requests the interceptor holds (push: no polling delay at zero).
    expect(so.spec.triggers).toEqual([{
      type: 'external-push',
      metadata: { interceptorRoute: 'qwen', scalerAddress: 'keda-add-ons-http-external-scaler.keda:9090' },
    }]);
    expect(so.spec).not.toHaveProperty('cooldownPeriod');
    // The lab default floor is 0 now that something wakes the model.
    expect(one(lab().manifests, 'ScaledObject').spec.minReplicaCount).toBe(0);
  });

  test('the InterceptorRoute targets the model Service and holds a request for the whole wake', () => {
    const { manifests: m } = lab();
    const route = one(m, 'InterceptorRoute');
    const deployment = model(m);
    const service = find(m, 'Service').find(s => s.spec.type === 'ClusterIP');
    expect(route.apiVersion).toBe('http.keda.sh/v1beta1');
    expect(route.spec.target).toEqual({ service: service.metadata.name, port: 8000 });
    expect(service.spec.ports[0].port).toBe(8000);
    expect(service.spec.selector).toEqual(deployment.spec.selector.matchLabels);
    expect(route.spec.rules).toEqual([{ hosts: ['qwen-wake.llm', 'qwen-wake.llm.svc', 'qwen-wake.llm.svc.cluster.local'] }]);
    expect(route.spec.scalingMetric).toEqual({ concurrency: { targetValue: 100 } });
    // The same deadline as the Deployment's rollout: node, image and the startup budget.
    expect(route.spec.timeouts).toEqual({ readiness: `${deployment.spec.progressDeadlineSeconds}s` });
    expect(one(m, 'ScaledObject').spec.initialCooldownPeriod).toBe(deployment.spec.progressDeadlineSeconds);
  });

  test('the CRDs\' CEL rules hold: exactly one of port/portName, a scaling metric, no cold-start block without a fallback', () => {
    const route = one(lab().manifests, 'InterceptorRoute');
    expect('port' in route.spec.target !== 'portName' in route.spec.target).toBe(true);
    expect(route.spec.scalingMetric.concurrency ?? route.spec.scalingMetric.requestRate).toBeDefined();
    expect(route.spec).not.toHaveProperty('coldStart');
  });

  test('the wake deadline grows with the model', () => {
    const big = lab({ size: ModelSize.of(Size.gibibytes(300)) });
    const d = model(big.manifests).spec.progressDeadlineSeconds;
    // The deadline holds the slow case of the levers before the container starts.
    const wake = big.model.estimate.nodeCapacityRange.high + big.model.estimate.imagePullRange.high + big.model.startupBudget.toSeconds();
    expect(d).toBe(Math.ceil(wake / 60) * 60);
    expect(d).toBeGreaterThan(600);
    expect(one(big.manifests, 'InterceptorRoute').spec.timeouts.readiness).toBe(`${d}s`);
  });

  test('clients enter through an ExternalName Service that names the interceptor', () => {
    const m = lab().manifests;
    const wake = find(m, 'Service').find(s => s.metadata.name === 'qwen-wake');
    expect(wake.spec).toEqual({
      type: 'ExternalName',
      externalName: 'keda-add-ons-http-interceptor-proxy.keda.svc.cluster.local',
      ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
    });
    expect(wake.metadata.namespace).toBe('llm');
  });

  test('every option reaches the manifests', () => {
    const m = lab({
      backend: addOn({
        namespace: 'http-add-on',
        interceptorService: 'interceptor',
        interceptorPort: 9000,
        scalerService: 'scaler',
        scalerPort: 9191,
        clusterDomain: 'corp.internal',
        hosts: ['qwen.example.com'],
        targetConcurrency: 32,
        scaleDownDelay: Duration.minutes(15),
      }),
      scaling: { minReplicas: 0, maxReplicas: 2 },
    }).manifests;
    const route = one(m, 'InterceptorRoute');
    expect(route.spec.rules[0].hosts).toEqual(['qwen-wake.llm', 'qwen-wake.llm.svc', 'qwen-wake.llm.svc.corp.internal', 'qwen.example.com']);
    expect(route.spec.scalingMetric.concurrency.targetValue).toBe(32);
    const so = one(m, 'ScaledObject');
    expect(so.spec.cooldownPeriod).toBe(900);
    expect(so.spec.triggers[0].metadata.scalerAddress).toBe('scaler.http-add-on:9191');
    const wake = find(m, 'Service').find(s => s.metadata.name === 'qwen-wake');
    expect(wake.spec.externalName).toBe('interceptor.http-add-on.svc.corp.internal');
    expect(wake.spec.ports).toEqual([{ name: 'http', port: 9000, protocol: 'TCP' }]);
  });

  test('without a namespace the hosts must be given; with them, only those are routed', () => {
    expect(thrown(() => lab({}, null))).toMatch(/^serving\/qwen: \[CS-IN-061\] the KEDA HTTP add-on routes by the Host header.*Fix: give the chart a namespace/);
    const m = lab({ backend: addOn({ hosts: ['qwen.example.com'] }) }, null).manifests;
    expect(one(m, 'InterceptorRoute').spec.rules).toEqual([{ hosts: ['qwen.example.com'] }]);
  });

  test('production keeps its warm buffer and pre-pull, and the floor of 0 when asked', () => {
    const m = synth({
      profile: Profile.production(),
      weights: CLAIM,
      backend: addOn(),
      scaling: { minReplicas: 0, maxReplicas: 1 },
      imagePull: { prePull: true },
    }, 'llm').manifests;
    expect(one(m, 'ScaledObject').spec.minReplicaCount).toBe(0);
    expect(find(m, 'Deployment').map(d => d.metadata.name).sort()).toEqual(['qwen', 'qwen-warm-buffer']);
    expect(find(m, 'DaemonSet').map(d => d.metadata.name)).toEqual(['qwen-pre-pull']);
  });

  test('with sleep mode the route reaches the proxy through the Service\'s named port', () => {
    const runtime: RuntimeOptions = { sleepMode: { proxyImage: 'docker.io/library/nginx@sha256:' + 'c'.repeat(64) } };
    const m = lab({ runtime }).manifests;
    const service = find(m, 'Service').find(s => s.spec.type === 'ClusterIP');
    expect(service.spec.ports).toEqual([{ name: 'http', port: 8000, targetPort: 'http', protocol: 'TCP' }]);
    const served = model(m).spec.template.spec.containers.find((c: any) => c.ports?.some((p: any) => p.name === 'http'));
    expect(served.name).not.toBe('vllm');
  });

  test('passes the baseline pack with zero findings', () => {
    for (const profile of [Profile.lab(), Profile.production()]) {
      const { app } = synth({ profile, weights: CLAIM, backend: addOn(), scaling: { minReplicas: 0, maxReplicas: 1 } }, 'llm');
      expect(Findings.of(app)).toEqual([]);
    }
  });

  test('objects that read the route come after it', () => {
    const { model: built } = lab();
    const so = built.node.findChild('ScaledObject');
    expect(so.node.dependencies.map(d => d.node.id)).toContain('InterceptorRoute');
  });
});

describe('refused', () => {
  const bad = (o: any) => thrown(() => DeploymentAutoscaler.kedaHttpAddOn(o));
  test.each([
    [{ namespace: 'Keda' }, /namespace "Keda" is not a namespace name/],
    [{ interceptorService: 'proxy.keda' }, /interceptorService "proxy.keda" is not a Service name/],
    [{ scalerService: '' }, /scalerService "" is not a Service name/],
    [{ interceptorPort: 0 }, /interceptorPort 0 is not a port number/],
    [{ scalerPort: 70000 }, /scalerPort 70000 is not a port number/],
    [{ interceptorPort: '8080' }, /interceptorPort 8080 is not a port number/],
    [{ clusterDomain: 'cluster.local.' }, /clusterDomain "cluster.local." is not a DNS name/],
    [{ targetConcurrency: 0.5 }, /targetConcurrency 0.5 is not a whole number/],
    [{ targetConcurrency: NaN }, /targetConcurrency NaN is not a whole number/],
    [{ hosts: ['*'] }, /host "\*" is not a lower-case DNS name \(wildcards are refused/],
    [{ hosts: ['*.example.com'] }, /host "\*.example.com" is not/],
    [{ hosts: ['Qwen.example.com'] }, /host "Qwen.example.com" is not/],
    [{ hosts: 'qwen.example.com' }, /hosts is not a list/],
    [{ scaleDownDelay: Duration.millis(1500) }, /scaleDownDelay 1.5 s is not a whole number of seconds/],
    [{ scaleDownDelay: 300 }, /scaleDownDelay is not a Duration/],
  ])('%j', (options, message) => {
    expect(bad(options)).toMatch(new RegExp(`^DeploymentAutoscaler.kedaHttpAddOn: \\[CS-IN-060\\] .*${message.source}.*Fix: `));
  });

  test('a load balancer would bypass the interceptor', () => {
    expect(thrown(() => Backend.deployment({ serviceType: ModelServiceType.LOAD_BALANCER, autoscaler: DeploymentAutoscaler.kedaHttpAddOn() })))
      .toMatch(/^Backend.deployment: \[CS-IN-042\] serviceType LOAD_BALANCER and an autoscaler exclude each other/);
  });

  test('an autoscaler or service type of another type (JavaScript callers)', () => {
    expect(thrown(() => Backend.deployment({ autoscaler: {} as any }))).toMatch(/\[CS-IN-059\] autoscaler is not a DeploymentAutoscaler/);
    expect(thrown(() => Backend.deployment({ serviceType: 'NodePort' as any }))).toMatch(/\[CS-IN-059\] serviceType "NodePort" is not a ModelServiceType/);
  });

  test('a ceiling above the floor needs the autoscaler, and the error names it', () => {
    expect(thrown(() => synth({ weights: CLAIM, backend: Backend.deployment(), scaling: { minReplicas: 1, maxReplicas: 3 } })))
      .toMatch(/\[CS-IN-054\].*DeploymentAutoscaler.kedaHttpAddOn/);
  });
});
