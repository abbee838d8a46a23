import { ErrorSite } from '../../private/errors';
import { requireDigest } from '../../private/image';

/**
 * `registry.k8s.io/pause:3.10`, pinned by digest: the image of warm-buffer
 * pods and of the pre-pull DaemonSet's long-running container. Its one binary
 * sleeps until signalled, so a pod holds its node for a few MiB of memory.
 * @internal
 */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10@sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a';

/**
 * The pause image a user chose, checked as any image, or ours when unset (undefined or null): our pinned
 * constant needs no check per model. @internal
 */
export function pauseImage(site: ErrorSite, image: string | undefined, what: string): string {
  return image === undefined || image === null ? PAUSE_IMAGE : requireDigest(site, image, what);
}

/** Requests = limits of a container that only sleeps (pause) or runs `sh -c 'exit 0'`. @internal */
export const TINY = { cpu: '10m', memory: '16Mi' };
