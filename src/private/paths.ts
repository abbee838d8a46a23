import { posix } from 'path';

/**
 * Node locations no model cache may mount: the node's root, what the OS and
 * the kubelet run from, and runtime sockets. A hostPath on one of them (or on
 * a parent of one, such as `/var`) hands a root init container the node.
 */
const SYSTEM_DIRECTORIES = [
  '/bin', '/boot', '/dev', '/etc', '/lib', '/lib32', '/lib64', '/libx32', '/proc', '/root', '/run', '/sbin', '/sys', '/usr',
  '/var/lib/containerd', '/var/lib/containers', '/var/lib/docker', '/var/lib/etcd', '/var/lib/kubelet', '/var/log', '/var/run',
];

/** The policy as README words it, from the same list. @internal */
export const SYSTEM_DIRECTORY_LIST = SYSTEM_DIRECTORIES.map(d => `\`${d}\``).join(', ');

/** Characters a node directory may hold: no white space, commas, quotes or shell syntax. */
const NODE_DIRECTORY = /^\/[A-Za-z0-9._/-]*$/;

/**
 * Why an absolute node directory (hostPath, local PersistentVolume path) is
 * refused, or undefined with its normal form. Checked after POSIX
 * normalization (`/.` is `/`, `/var//lib/kubelet/` is `/var/lib/kubelet`);
 * `..` is refused outright, since what it climbs to depends on symlinks on
 * the node.
 * @internal
 */
export function nodeDirectory(path: unknown): { readonly path?: string; readonly problem?: string } {
  if (typeof path !== 'string' || !NODE_DIRECTORY.test(path)) {
    return { problem: 'is not an absolute path of letters, digits, ".", "_", "-" and "/"' };
  }
  if (path.split('/').includes('..')) return { problem: 'climbs with ".."' };
  const { normal, problem } = systemLocation(path);
  return problem ? { problem } : { path: normal };
}

/**
 * An absolute path after POSIX normalization (`/.` is `/`, `//etc/` and
 * `/var/../etc` are `/etc`), and why it is refused when it is the node's
 * root, a system location, inside one or a parent of one. The levers refuse
 * these for the hostPaths they write (with `nodeDirectory`); rule CS-SEC-005
 * flags them in any vLLM pod.
 * @internal
 */
export function systemLocation(path: string): { readonly normal: string; readonly problem?: string } {
  const normal = posix.normalize(path).replace(/\/+$/, '') || '/';
  if (normal === '/') return { normal, problem: 'is the node\'s root directory' };
  const hit = SYSTEM_DIRECTORIES.find(d => normal === d || normal.startsWith(`${d}/`) || d.startsWith(`${normal}/`));
  if (hit) return { normal, problem: `is ${hit === normal ? '' : hit.startsWith(`${normal}/`) ? 'a parent of ' : 'inside '}the system location ${hit}` };
  return { normal };
}

/**
 * Why a path inside a volume, bucket or repository (`subPath`, `onlyDir`, a
 * revision, a directory name) is refused, or undefined. Every segment is a
 * name: no empty, `.` or `..` segment, so no leading, trailing or doubled
 * `/`, and no white space or control characters. A value that lands in a
 * comma-separated mount option may not hold a comma either.
 * @internal
 */
export function relativePathProblem(path: unknown, options: { readonly mountOption?: boolean } = {}): string | undefined {
  if (typeof path !== 'string' || path === '') return 'is empty';
  // eslint-disable-next-line no-control-regex
  if (/[\s\x00-\x1f\x7f]/.test(path)) return 'holds white space or a control character';
  if (options.mountOption && path.includes(',')) return 'holds a comma, which would start another mount option';
  if (path.startsWith('/')) return 'starts with "/"';
  if (path.endsWith('/')) return 'ends with "/"';
  const bad = path.split('/').find(s => s === '' || s === '.' || s === '..');
  if (bad !== undefined) return bad === '' ? 'has an empty segment ("//")' : `has a "${bad}" segment`;
  return undefined;
}
