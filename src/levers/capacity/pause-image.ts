/**
 * `registry.k8s.io/pause:3.10`, pinned by digest: the image of warm-buffer
 * pods and of the pre-pull DaemonSet's long-running container. Its one binary
 * sleeps until signalled, so a pod holds its node for a few MiB of memory.
 * @internal
 */
export const PAUSE_IMAGE = 'registry.k8s.io/pause:3.10@sha256:ee6521f290b2168b6e0935a181d4cff9be1ac3f505666ef0e3c98fae8199917a';

/** Requests = limits of a container that only sleeps (pause) or runs `sh -c 'exit 0'`. @internal */
export const TINY = { cpu: '10m', memory: '16Mi' };
