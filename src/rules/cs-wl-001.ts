import { flag, storageUris, vllmContainers } from './pods';
import { defineRule, Rule, RuleLevel, Violation } from './rule';

const OFFLINE = ['HF_HUB_OFFLINE', 'TRANSFORMERS_OFFLINE'];

/** @internal */
export const CS_WL_001: Rule = defineRule({
  id: 'CS-WL-001',
  level: RuleLevel.ERROR,
  reads: 'vllm',
  summary: 'vLLM serving local weights (modelcar, PVC, hostPath, LocalModelCache, a KServe storage URI) runs with HF_HUB_OFFLINE=1 and TRANSFORMERS_OFFLINE=1',
  explanation: 'Without them vLLM calls the Hugging Face Hub even for weights on disk; at scale the Hub answers HTTP 429 and the wake fails (vllm#24541).',
  fix: 'Set HF_HUB_OFFLINE=1 and TRANSFORMERS_OFFLINE=1 on the container.',
  check(obj) {
    const kserveStorage = storageUris(obj).length > 0;
    const found: Violation[] = [];
    for (const { c } of vllmContainers(obj)) {
      const model = flag(c.tokens, '--model');
      const positional = c.tokens[c.tokens.indexOf('serve') + 1];
      const local = kserveStorage || (typeof model === 'string' && model.startsWith('/')) || (c.tokens.includes('serve') && positional?.startsWith('/'));
      if (!local) continue;
      const missing = OFFLINE.filter(name => c.env[name] !== '1');
      if (missing.length) {
        found.push({ value: missing.map(n => `${n}=${c.env[n] ?? 'unset'}`).join(', '), message: `vLLM container "${c.name}" loads local weights but is not offline` });
      }
    }
    return found;
  },
});
