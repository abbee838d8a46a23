import { shmViolation } from './cs-shm-001';
import { tensorParallel, vllmContainers } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';

/** Tensor parallel needs the tmpfs. @internal */
export const CS_SHM_003: Rule = defineRule({
  id: 'CS-SHM-003',
  level: RuleLevel.ERROR,
  reads: 'vllm',
  summary: 'vLLM with tensor parallel > 1 mounts a Memory emptyDir with a sizeLimit at /dev/shm',
  explanation: 'NCCL exchanges tensors through /dev/shm/nccl-*; on the default 64 MB it fails or hangs at init, which looks like a stuck wake.',
  fix: 'Mount an emptyDir {medium: Memory, sizeLimit: 16Gi} at /dev/shm and set NCCL_CUMEM_ENABLE=0.',
  check(obj) {
    const found: Violation[] = [];
    for (const { pod, c } of vllmContainers(obj)) {
      if (!(tensorParallel(c) > 1)) continue;
      const problem = shmViolation(pod, c);
      if (problem) found.push({ value: `tensor-parallel-size=${tensorParallel(c)}`, message: `vLLM container "${c.name}": ${problem}` });
    }
    return found;
  },
});
