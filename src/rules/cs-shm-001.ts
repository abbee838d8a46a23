import { ContainerView, isGpu, PodView, tensorParallel, vllmContainers, volumeAt } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';

/** @internal */
export function shmViolation(pod: PodView, c: ContainerView): string | undefined {
  const v = volumeAt(pod, c, '/dev/shm');
  if (!v) return 'no volume at /dev/shm (pods get 64 MB)';
  if (v.emptyDir?.medium !== 'Memory') return `/dev/shm is volume "${v.name}", not a Memory emptyDir`;
  if (v.emptyDir?.sizeLimit === undefined) return '/dev/shm Memory emptyDir has no sizeLimit (it could take all pod memory)';
  return undefined;
}

/** vLLM GPU pods get a sized tmpfs at /dev/shm. @internal */
export const CS_SHM_001: Rule = defineRule({
  id: 'CS-SHM-001',
  level: RuleLevel.WARNING,
  reads: 'vllm',
  summary: 'A GPU pod running vLLM mounts a Memory emptyDir with a sizeLimit at /dev/shm',
  explanation: 'Pods get a 64 MB /dev/shm; NCCL and vLLM\'s workers use shared memory, and an unsized tmpfs can grow to the whole pod memory. '
    + 'With one GPU it is a risk; with tensor parallel > 1 it is an error (CS-SHM-003).',
  fix: 'Mount an emptyDir {medium: Memory, sizeLimit: 16Gi} at /dev/shm and count it in the memory limit.',
  check(obj) {
    const found: Violation[] = [];
    for (const { pod, c } of vllmContainers(obj)) {
      if (!(isGpu(c) && tensorParallel(c) <= 1)) continue;
      const problem = shmViolation(pod, c);
      if (problem) found.push({ value: problem, message: `vLLM container "${c.name}": ${problem}` });
    }
    return found;
  },
});
