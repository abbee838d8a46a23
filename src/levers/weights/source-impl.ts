import { createHash } from 'crypto';
import { Construct, IConstruct } from 'constructs';
import { applyLoader, WeightLoader } from './loader';
import { applyStreamer, StreamerOptions } from './streamer';
import { BlueprintConflict, Facts, PodBlueprint, PodWriter } from '../../blueprint';
import { ColdStartAssessment } from '../../estimate/estimate';
import { WeightPath } from '../../estimate/paths';
import { ErrorSite, fail } from '../../private/errors';
import { relativePathProblem } from '../../private/paths';
import { GIB } from '../../private/quantity';
import { LeverContext } from '../lever';

/**
 * What one weight path does to the pod, and the side objects it adds under
 * the WeightLoad lever. Kept apart from `WeightSource` so each path lives in
 * its own file without an import cycle.
 * @internal
 */
export interface WeightSourceImpl {
  /** First pass: volumes, env, args, memory, side objects, cold-start facts. */
  bind(scope: Construct, pod: PodWriter, context: LeverContext): void;
  /** Second pass, once the pod is whole (objects that mirror its nodes). */
  complete?(scope: Construct, pod: PodWriter, context: LeverContext): void;
  /** After both passes: one-time Jobs that run the finished pod's engine (see Lever.jobs). */
  jobs?(scope: Construct, bp: PodBlueprint, context: LeverContext, assessment: ColdStartAssessment, after: readonly IConstruct[]): IConstruct[];
}

/** Where every path exposes the weights to the engine (KServe's modelcar and local cache use it too). @internal */
export const MODEL_MOUNT = '/mnt/models';

/** The file a download writes last: its presence means the weights are complete. @internal */
export const COMPLETION_MARKER = '.coldstart-complete';

/** @internal */
export const DNS_1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;

/** @internal */
export function isDnsSubdomain(name: string): boolean {
  return typeof name === 'string' && DNS_1123_SUBDOMAIN.test(name) && name.length <= 253;
}

/**
 * Local weights: without these vLLM still calls the Hub for cached models and
 * a wake fails on HTTP 429 (vllm#24541).
 * @internal
 */
export function offline(pod: PodWriter): void {
  pod.env('HF_HUB_OFFLINE', '1');
  pod.env('TRANSFORMERS_OFFLINE', '1');
}

/** A claim holding the weights, as the serving pod mounts it. @internal */
export interface WeightsClaim {
  readonly claimName: string;
  readonly subPath?: string;
  readonly modelBytes: number;
  /** Tensor-parallel ranks: each streams with its own buffer. */
  readonly ranks: number;
  readonly streamer?: StreamerOptions;
  /** A loader other than the streamer, with what applying it needs. */
  readonly loader?: { readonly scope: Construct; readonly context: LeverContext; readonly loader: WeightLoader };
  readonly weightPath: WeightPath;
}

/**
 * Mounts a claim of weights read-only at /mnt/models, offline, read by the
 * streamer (or the given loader). Read-only: a serving pod never writes the weights, and Knative then
 * needs no persistent-volume-write flag.
 * @internal
 */
export function mountWeightsClaim(pod: PodWriter, c: WeightsClaim): void {
  pod.volume({ name: 'weights', persistentVolumeClaim: { claimName: c.claimName, readOnly: true } },
    { name: 'weights', mountPath: MODEL_MOUNT, readOnly: true, subPath: c.subPath });
  pod.set(Facts.MODEL_PATH, MODEL_MOUNT);
  offline(pod);
  if (c.loader) applyLoader(c.loader.scope, pod, c.loader.context, c.loader.loader);
  else applyStreamer(pod, c.modelBytes, c.ranks, c.streamer);
  pod.set(Facts.WEIGHT_PATH, c.weightPath);
}

/** Capacity for the weights plus 10% for file-system overhead, in whole GiB. @internal */
export function volumeBytesFor(modelBytes: number): number {
  return Math.ceil((modelBytes * 1.1) / GIB) * GIB;
}

/** Checked by the factory that takes the name, before any object exists. @internal */
export function requireServiceAccountName(site: ErrorSite, name: string, why: string): void {
  if (!isDnsSubdomain(name)) {
    fail(site, 'CS-IN-021', `service account "${name}" is not a valid ServiceAccount name`, `pass the name of the Kubernetes service account bound to ${why}`);
  }
}

/** Sets the pod's service account once; two paths may not want different identities. @internal */
export function setServiceAccount(scope: Construct, pod: PodWriter, name: string, why: string): void {
  try {
    pod.serviceAccount(name);
  } catch (e) {
    if (!(e instanceof BlueprintConflict)) throw e;
    fail(scope, 'CS-IN-024', `${e.message}, which ${why} needs`, 'use one service account that holds every permission the pod needs');
  }
}

/** Validates a path relative to a volume or bucket: names joined by single slashes. @internal */
export function requireRelativePath(
  site: ErrorSite, path: string | undefined, what: string, example: string, options: { readonly mountOption?: boolean } = {},
): void {
  if (path === undefined) return;
  const problem = relativePathProblem(path, options);
  if (problem) {
    fail(site, 'CS-IN-011', `${what} "${String(path)}" ${problem}`, `pass a path such as "${example}": names joined by single slashes, no leading or trailing /, no . or ..`);
  }
}

/** A shared volume resolved for one model. @internal */
export interface ResolvedVolume {
  readonly claimName: string;
  readonly weightPath: WeightPath;
  /** Objects the loader and the model need first (the claim, its StorageClass). */
  readonly objects: Construct[];
}

/** @internal */
export interface SharedVolumeImpl {
  resolve(scope: Construct, context: LeverContext): ResolvedVolume;
}

/** A short stable hash, so a Job for another repo or revision gets another name (Job templates are immutable). @internal */
export function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 8);
}
