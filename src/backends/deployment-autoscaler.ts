import { ApiObject, Chart, Duration } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { progressDeadlineSeconds, RenderContext } from './backend';
import { cronTriggers } from '../levers/capacity/pre-warm';
import { crds } from '../private/crds';
import { wholeSeconds } from '../private/duration';
import { fail } from '../private/errors';
import { isDns1035Label, isDns1123Subdomain } from '../private/k8s-names';
import { ManifestObject } from '../private/manifest-object';

/**
 * Where the KEDA HTTP add-on runs. The defaults are the names its Helm chart
 * (`kedacore/keda-add-ons-http`) gives in the `keda` namespace, as in the
 * add-on's own example and end-to-end tests (v0.15.0).
 */
export interface KedaHttpAddOnOptions {
  /**
   * Namespace the add-on is installed in.
   * @default 'keda'
   */
  readonly namespace?: string;

  /**
   * Name of the interceptor's proxy Service.
   * @default 'keda-add-ons-http-interceptor-proxy'
   */
  readonly interceptorService?: string;

  /**
   * Port of the interceptor's proxy Service. Clients call the model on this
   * port: a Service of type ExternalName renames a host, not a port.
   * @default 8080
   */
  readonly interceptorPort?: number;

  /**
   * Name of the add-on's external scaler Service, which KEDA asks whether
   * requests are waiting.
   * @default 'keda-add-ons-http-external-scaler'
   */
  readonly scalerService?: string;

  /**
   * Port of the external scaler Service (gRPC).
   * @default 9090
   */
  readonly scalerPort?: number;

  /**
   * More host names routed to the model, e.g. the host of your Ingress or
   * Gateway route when it sends traffic to the interceptor. The interceptor
   * routes by the `Host` header across the whole cluster, so each must be
   * unique to this model; wildcards are refused.
   * @default - the in-cluster names of the model's Service (`<name>.<namespace>`, `.svc`, `.svc.<clusterDomain>`)
   */
  readonly hosts?: string[];

  /**
   * The cluster's DNS domain, for the fully qualified in-cluster host name.
   * @default 'cluster.local'
   */
  readonly clusterDomain?: string;

  /**
   * Concurrent requests per replica before KEDA adds a replica
   * (`scalingMetric.concurrency.targetValue`). vLLM batches requests, so one
   * replica serves many at once.
   * @default 100 - the add-on's own default
   */
  readonly targetConcurrency?: number;

  /**
   * Time without requests before KEDA scales to the floor
   * (the ScaledObject's `cooldownPeriod`): a burst after a shorter idle gap
   * finds the model warm.
   * @default Duration.minutes(5) - KEDA's default
   */
  readonly scaleDownDelay?: Duration;
}

const DEFAULTS = {
  namespace: 'keda',
  interceptorService: 'keda-add-ons-http-interceptor-proxy',
  interceptorPort: 8080,
  scalerService: 'keda-add-ons-http-external-scaler',
  scalerPort: 9090,
  clusterDomain: 'cluster.local',
  targetConcurrency: 100,
};

/** The workload the autoscaler scales and routes to. @internal */
export interface AutoscalerTarget {
  /** The Deployment. */
  readonly deployment: ApiObject;
  /** The ClusterIP Service in front of the model's pods. */
  readonly serviceName: string;
  readonly servicePort: number;
  readonly labels: Record<string, string>;
}

/**
 * What scales the Deployment backend, and wakes it from zero.
 */
export abstract class DeploymentAutoscaler {
  /**
   * The KEDA HTTP add-on (v0.15): its interceptor receives the model's
   * traffic, holds each request while the model wakes from zero and forwards
   * it once a replica is Ready, and KEDA scales the Deployment on the
   * requests it counts. The library writes an `InterceptorRoute` (hosts, the
   * model's Service, how long a request may wait: the wake deadline), a KEDA
   * `ScaledObject` (the replica floor and ceiling, the add-on's external-push
   * trigger) and a Service `<name>-wake` of type ExternalName that points at
   * the interceptor: clients call `http://<name>-wake.<namespace>:8080`.
   * KEDA and the add-on must be installed in the cluster.
   */
  public static kedaHttpAddOn(options: KedaHttpAddOnOptions = {}): DeploymentAutoscaler {
    return new KedaHttpAddOn(options ?? {});
  }

  /** @internal */
  public abstract _render(scope: Construct, context: RenderContext, target: AutoscalerTarget): void;
}

const FACTORY = 'DeploymentAutoscaler.kedaHttpAddOn';

class KedaHttpAddOn extends DeploymentAutoscaler {
  private readonly o: Required<Omit<KedaHttpAddOnOptions, 'hosts' | 'scaleDownDelay'>> & { hosts: string[]; scaleDownSeconds?: number };

  constructor(options: KedaHttpAddOnOptions) {
    super();
    const refuse = (problem: string, fix: string): never => fail(FACTORY, 'CS-IN-060', problem, fix);
    if (typeof options !== 'object') refuse('options are not an object', 'pass KedaHttpAddOnOptions, or nothing for the Helm chart\'s defaults');
    const o = { ...DEFAULTS, ...definedOnly(options) };
    if (!isDns1123Subdomain(o.namespace) || o.namespace.length > 63) refuse(`namespace "${o.namespace}" is not a namespace name`, 'pass the namespace the add-on is installed in, e.g. "keda"');
    for (const key of ['interceptorService', 'scalerService'] as const) {
      if (!isDns1035Label(o[key])) refuse(`${key} "${o[key]}" is not a Service name`, `pass the name of the add-on's Service, e.g. "${DEFAULTS[key]}"`);
    }
    for (const key of ['interceptorPort', 'scalerPort'] as const) {
      if (!Number.isInteger(o[key]) || o[key] < 1 || o[key] > 65535) refuse(`${key} ${o[key]} is not a port number`, `pass a port from 1 to 65535, e.g. ${DEFAULTS[key]}`);
    }
    if (!isDns1123Subdomain(o.clusterDomain)) refuse(`clusterDomain "${o.clusterDomain}" is not a DNS name`, 'pass the cluster\'s DNS domain, e.g. "cluster.local"');
    if (!Number.isInteger(o.targetConcurrency) || o.targetConcurrency < 1 || o.targetConcurrency > 2 ** 31 - 1) {
      refuse(`targetConcurrency ${o.targetConcurrency} is not a whole number of requests >= 1`, 'pass the concurrent requests one replica should serve, e.g. 100');
    }
    const hosts = options.hosts ?? [];
    if (!Array.isArray(hosts)) refuse('hosts is not a list', 'pass a list of host names, e.g. ["qwen.example.com"]');
    for (const host of hosts) {
      // A wildcard, "*" above all, would take other apps' traffic: the interceptor's routing table is cluster-wide.
      if (!isDns1123Subdomain(host)) {
        refuse(`host ${JSON.stringify(host)} is not a lower-case DNS name (wildcards are refused: the interceptor routes by Host across the whole cluster)`,
          'pass exact host names that only this model answers to, e.g. "qwen.example.com"');
      }
    }
    const scaleDownSeconds = options.scaleDownDelay === undefined ? undefined
      : wholeSeconds('scaleDownDelay', options.scaleDownDelay, 0, 86_400, (p, x) => fail(FACTORY, 'CS-IN-060', p, x));
    this.o = { ...o, hosts: [...hosts], scaleDownSeconds };
  }

  public _render(scope: Construct, context: RenderContext, target: AutoscalerTarget): void {
    const o = this.o;
    const entry = `${context.name}-wake`;
    const namespace = Chart.of(scope).namespace;
    if (namespace === undefined && o.hosts.length === 0) {
      fail(scope, 'CS-IN-061', 'the KEDA HTTP add-on routes by the Host header across the whole cluster, and without a namespace the model\'s in-cluster host name is unknown',
        'give the chart a namespace (new Chart(app, id, { namespace: "llm" })), or pass DeploymentAutoscaler.kedaHttpAddOn({ hosts: [...] })');
    }
    // Not the short name `<entry>`: the same name in another namespace would route there.
    const inCluster = namespace === undefined ? [] : [`${entry}.${namespace}`, `${entry}.${namespace}.svc`, `${entry}.${namespace}.svc.${o.clusterDomain}`];
    const hosts = [...new Set([...inCluster, ...o.hosts])];
    // Seconds a request may wait for a Ready replica: the same wake deadline as the Deployment's progress deadline.
    const deadline = progressDeadlineSeconds(context);

    const route = new ManifestObject(scope, 'InterceptorRoute', {
      ...crds.interceptorRoute().InterceptorRoute.GVK,
      metadata: { name: context.name, labels: target.labels },
      spec: {
        target: { service: target.serviceName, port: target.servicePort },
        rules: [{ hosts }],
        scalingMetric: { concurrency: { targetValue: o.targetConcurrency } },
        timeouts: { readiness: `${deadline}s` },
      },
    });
    const scaled = new ManifestObject(scope, 'ScaledObject', {
      ...crds.scaledObject().ScaledObject.GVK,
      metadata: { name: context.name, labels: target.labels },
      spec: {
        scaleTargetRef: { apiVersion: target.deployment.apiVersion, kind: target.deployment.kind, name: target.deployment.name },
        minReplicaCount: context.minReplicas,
        maxReplicaCount: context.maxReplicas,
        ...(o.scaleDownSeconds !== undefined ? { cooldownPeriod: o.scaleDownSeconds } : {}),
        // The Deployment is created with one replica (it has no `replicas`, KEDA owns the count):
        // let that first pod finish its wake, filling the caches, before KEDA may take it away.
        initialCooldownPeriod: deadline,
        // KEDA is active when any trigger is, and its HPA scales to the largest (HorizontalPodAutoscalerSpec.metrics):
        // traffic above a pre-warm window's floor still scales out, and a window wakes the model from zero.
        triggers: [{
          type: 'external-push',
          metadata: { interceptorRoute: context.name, scalerAddress: `${o.scalerService}.${o.namespace}:${o.scalerPort}` },
        }, ...(context.preWarm ? cronTriggers(context.preWarm, 'replicas') : [])],
      },
    });
    scaled.node.addDependency(route);
    ManifestObject.render(scope, 'WakeService', k8s.KubeService, {
      metadata: { name: entry, labels: target.labels },
      spec: {
        type: 'ExternalName',
        externalName: `${o.interceptorService}.${o.namespace}.svc.${o.clusterDomain}`,
        // Informational: DNS renames the host only, so this says which port clients must call.
        ports: [{ name: 'http', port: o.interceptorPort, protocol: 'TCP' }],
      },
    });
  }
}

function definedOnly<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
