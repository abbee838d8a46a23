import { join } from 'path';
import { cli, THIRD_PARTY, verdicts } from './util';

// Published vLLM / KServe configurations, reproduced in test/fixtures/third-party
// (each file names its source). What the checker says about each is in the
// README's checker section: keep the two in step.
const check = (file: string, ...args: string[]) => cli(['check', '--format', 'json', ...args, join(THIRD_PARTY, file)]);

describe('published configurations', () => {
  test('vLLM docs, Kubernetes GPU example: tag, default GPU memory share, service links, no startup probe', () => {
    const r = check('vllm-docs-k8s-gpu.yaml');
    expect(r.code).toBe(1);
    expect(verdicts(r)).toEqual([
      'Deployment/mistral-7b CS-IMG-001 error',
      'Deployment/mistral-7b CS-RT-001 error',
      'Deployment/mistral-7b CS-RT-002 error',
      'Deployment/mistral-7b CS-RT-004 error',
      // No securityContext, the default token: one Pod Security warning naming all five.
      'Deployment/mistral-7b CS-SEC-004 warning',
    ]);
    // Its 2Gi /dev/shm within a 20G limit satisfies the shm rules; the cache on a PVC is not /root/.cache itself.
    expect(verdicts(check('vllm-docs-k8s-gpu.yaml', '--profile', 'production'))).toContain('Deployment/mistral-7b CS-RT-003 error');
    expect(JSON.parse(r.stdout).findings.find((f: any) => f.ruleId === 'CS-RT-004')).toMatchObject({ line: 32, value: 'no startupProbe' });
  });

  test('vLLM production-stack Helm chart, basic values: tag, no memory limit, service links, no /dev/shm', () => {
    const r = check('production-stack-helm-basic.yaml');
    expect(r.code).toBe(1);
    expect(verdicts(r)).toEqual([
      'Deployment/vllm-llama3-deployment-vllm CS-IMG-001 error',
      'Deployment/vllm-llama3-deployment-vllm CS-SHM-001 warning',
      'Deployment/vllm-llama3-deployment-vllm CS-SHM-002 error',
      'Deployment/vllm-llama3-deployment-vllm CS-RT-002 error',
      'Deployment/vllm-llama3-deployment-vllm CS-SEC-004 warning',
    ]);
    // --gpu-memory-utilization 0.8 (extraArgs) and the 600 s startup probe pass.
    const values = JSON.parse(r.stdout).findings.map((f: any) => f.value);
    expect(values).toEqual([
      'vllm/vllm-openai:latest', 'no volume at /dev/shm (pods get 64 MB)', 'no memory limit', 'enableServiceLinks: unset (true)',
      'allowPrivilegeEscalation, capabilities.drop, seccompProfile, runAsNonRoot, automountServiceAccountToken',
    ]);
    // HF_HOME is on the PVC at /data, but vLLM's own cache under /root/.cache is not.
    expect(verdicts(check('production-stack-helm-basic.yaml', '--profile', 'production'))).toContain('Deployment/vllm-llama3-deployment-vllm CS-RT-003 error');
  });

  test('KServe Hugging Face runtime docs: only the literal HF token; the runtime image is not in the InferenceService', () => {
    const r = check('kserve-huggingface-llama3.yaml');
    expect(r.code).toBe(1);
    expect(verdicts(r)).toEqual(['InferenceService/huggingface-llama3 CS-SEC-001 error']);
    expect(JSON.parse(r.stdout).findings[0].value).toBe('HF_TOKEN=<37 characters>');
    // The vLLM rules read containers; a modelFormat-only predictor has its image and command in a ServingRuntime that is not part of it.
    expect(verdicts(check('kserve-huggingface-llama3.yaml', '--profile', 'production'))).toEqual(['InferenceService/huggingface-llama3 CS-SEC-001 error']);
  });

  test('the whole directory at once: one table, findings and estimates (estimate.test.ts) in file order', () => {
    const r = cli(['check', THIRD_PARTY]);
    expect(r.code).toBe(1);
    expect(r.stdout.split('\n').filter(l => /^\S/.test(l))).toEqual([
      `${join(THIRD_PARTY, 'kserve-huggingface-llama3.yaml')}:12  InferenceService/huggingface-llama3`,
      `${join(THIRD_PARTY, 'kserve-huggingface-llama3.yaml')}:35  InferenceService/huggingface-llama3-hf-uri`,
      `${join(THIRD_PARTY, 'production-stack-helm-basic.yaml')}:35  Deployment/vllm-llama3-deployment-vllm (namespace default)`,
      `${join(THIRD_PARTY, 'vllm-docs-k8s-gpu.yaml')}:32  Deployment/mistral-7b (namespace default)`,
      '8 errors, 3 warnings, 0 suppressed (10 objects in 3 files; profile lab, cloud generic)',
    ]);
  });
});
