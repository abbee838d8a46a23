import { ApiObject } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { LeverContext } from './lever';
import { SUPPRESS_ANNOTATION } from '../aspects/suppressions';
import { renderPodSpec } from '../backends/pod-spec';
import { PodBlueprint } from '../blueprint';
import { auxLabels } from '../private/aux-pod';
import { ManifestObject } from '../private/manifest-object';

/** What a one-time Job that runs the engine image on the model's GPUs does. @internal */
export interface EngineJobOptions {
  /** Job name (at most 63 characters: the Job controller labels its pods with it). */
  readonly name: string;
  /** `app.kubernetes.io/component` of the Job and its pod. */
  readonly component: string;
  /** A POSIX shell script; the model's engine args follow it as "$@". */
  readonly script: string;
  /** `$0` of the script, in `ps` and error messages. */
  readonly scriptName: string;
  /** Env beside the engine's (the script's inputs: no value is spliced into the script). */
  readonly env: k8s.EnvVar[];
  readonly backoffLimit: number;
  readonly activeDeadlineSeconds: number;
  /** @default - kept until deleted */
  readonly ttlSecondsAfterFinished?: number;
  /** Rewrites the rendered pod spec (volumes a Job writes, the init containers it waits on). */
  readonly adjust?: (spec: k8s.PodSpec) => k8s.PodSpec;
  /** Rules that do not apply to this Job, with why: written as an annotation, so the checker reading the output honours them too. */
  readonly suppress?: Readonly<Record<string, string>>;
}

/**
 * A Job whose pod is the model pod, rendered from the same finished
 * blueprint by the same renderer every backend uses: the same image digest,
 * engine args, env, volumes, GPU resources, memory and node scheduling, so
 * what it computes (a compile cache keyed by the engine config, a sharded
 * checkpoint for the same parallel layout) is what the model reads. Only the
 * command differs (a script that runs the engine its own way), and what a
 * serving pod needs and a batch pod must not have: probes, ports, the sleep
 * proxy, the Service's labels. Runs as the engine does (non-root with fsGroup
 * unless the engine must be root), so the files it writes on shared volumes
 * are readable by the model whichever backend renders it.
 * @internal
 */
export function renderEngineJob(scope: Construct, id: string, bp: PodBlueprint, context: LeverContext, o: EngineJobOptions): ApiObject {
  // The backend renders the model pod afterwards and sets bp.engineRootReason again for itself.
  const spec = renderPodSpec(bp, 'engine', 'http', { podSecurityContext: true, fsGroupChangePolicy: true });
  const root = bp.engineRootReason;
  const engine = spec.containers[0];
  const container: k8s.Container = {
    ...engine,
    command: ['sh', '-c', o.script, o.scriptName],
    // The model's args, untouched: the script passes them on.
    args: engine.args,
    env: [...(engine.env ?? []), ...o.env],
    ports: undefined,
    startupProbe: undefined,
    readinessProbe: undefined,
    livenessProbe: undefined,
    // CS-SEC-002 asks a root auxiliary container to say so.
    securityContext: root ? { ...engine.securityContext, runAsNonRoot: false, runAsUser: 0 } : engine.securityContext,
  };
  let podSpec: k8s.PodSpec = { ...spec, containers: [container], restartPolicy: 'Never' };
  if (o.adjust) podSpec = o.adjust(podSpec);
  const labels = auxLabels(context.name, o.component);
  const podAnnotations = Object.keys(bp.podAnnotations).length ? { ...bp.podAnnotations } : undefined;
  const suppress: Record<string, string> = { ...o.suppress };
  if (podSpec.automountServiceAccountToken !== false) {
    suppress['CS-SEC-002'] = 'the engine reads the weights with the model\'s workload identity, whose service account token it needs';
  }
  const entries = Object.entries(suppress);
  const annotations = entries.length ? { [SUPPRESS_ANNOTATION]: entries.map(([rule, why]) => `${rule}: ${why}`).join('\n') } : undefined;
  return ManifestObject.render(scope, id, k8s.KubeJob, {
    metadata: { name: o.name, labels, annotations },
    spec: {
      backoffLimit: o.backoffLimit,
      activeDeadlineSeconds: o.activeDeadlineSeconds,
      ttlSecondsAfterFinished: o.ttlSecondsAfterFinished,
      template: { metadata: { labels, annotations: podAnnotations }, spec: podSpec },
    },
  });
}

/** A word of a shell script, quoted. @internal */
export function shellWord(word: string): string {
  return `'${word.replace(/'/g, '\'\\\'\'')}'`;
}
