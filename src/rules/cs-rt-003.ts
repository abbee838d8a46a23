import { Environment } from '../profile';
import { memoized, vllmContainers, volumeAt } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';

const PERSISTENT = ['persistentVolumeClaim', 'hostPath', 'nfs', 'csi', 'ephemeral'];

/** @internal */
export const CS_RT_003: Rule = defineRule({
  id: 'CS-RT-003',
  level: RuleLevel.ERROR,
  reads: 'vllm',
  summary: 'In production, vLLM\'s cache (/root/.cache or VLLM_CACHE_ROOT) is on a persistent volume',
  explanation: 'torch.compile artifacts live under the cache root; on an emptyDir every wake recompiles (tens of seconds) '
    + 'and the Hugging Face cache starts empty. Checked only by a pack for the production environment.',
  fix: 'Mount a PersistentVolumeClaim at VLLM_CACHE_ROOT or a directory above it (the image\'s default is /root/.cache/vllm; the library mounts the engine\'s HOME, /home/vllm).',
  check(obj, context) {
    if (context.environment !== Environment.PRODUCTION) return [];
    const found: Violation[] = [];
    for (const { pod, c } of vllmContainers(obj)) {
      const path = c.env.VLLM_CACHE_ROOT ?? '/root/.cache';
      // The cache root may sit under a mounted directory: the nearest mount holds it. Each is looked up, so a
      // malformed mount list fails the rule (one finding) wherever it is malformed.
      const above = ancestors(path);
      let v = volumeAt(pod, c, path);
      for (let i = 0; i < above.length; i++) {
        const x = volumeAt(pod, c, above[i]);
        if (v === undefined) v = x;
      }
      const kind = v ? Object.keys(v).find(k => k !== 'name') : undefined;
      if (!kind || !PERSISTENT.includes(kind)) {
        found.push({ value: kind ? `${kind} at ${path}` : `nothing mounted at ${path}`, message: `vLLM container "${c.name}" keeps its cache on ${kind ?? 'the container file system'}` });
      }
    }
    return found;
  },
});

/** The directories above a path, nearest first; every vLLM container asks for the same few. */
const ancestors = memoized((path: string): readonly string[] => {
  const parts = path.split('/').filter(Boolean);
  return parts.slice(0, -1).map((_, i) => '/' + parts.slice(0, parts.length - 1 - i).join('/'));
});
