import { EndpointExposure } from './exposure';
import { defineRule, Rule, RuleLevel } from './rule';
import { INTERNAL_ROUTES } from '../private/vllm-routes';

/**
 * vLLM v0.10.0 vllm/envs.py: VLLM_ALLOW_RUNTIME_LORA_UPDATING is on when its
 * value, stripped and lower-cased, is "1" or "true"; api_server.py then
 * registers POST /v1/load_lora_adapter and /v1/unload_lora_adapter on the
 * API's port. A load takes any `lora_path` the engine can read.
 */
const RUNTIME_LORA = new EndpointExposure({
  enabled: env => ['1', 'true'].includes((env.VLLM_ALLOW_RUNTIME_LORA_UPDATING ?? '').trim().toLowerCase()),
  routes: INTERNAL_ROUTES.filter(r => r.when === 'VLLM_ALLOW_RUNTIME_LORA_UPDATING').map(r => r.path),
  setting: 'VLLM_ALLOW_RUNTIME_LORA_UPDATING=true',
  endpoints: 'LoRA loading endpoints',
});

/** @internal */
export const CS_LORA_001: Rule = defineRule({
  id: 'CS-LORA-001',
  level: RuleLevel.ERROR,
  summary: 'vLLM\'s LoRA loading endpoints (VLLM_ALLOW_RUNTIME_LORA_UPDATING=true) listen on loopback only, and no Service, Ingress or NetworkPolicy lets traffic reach them',
  explanation: 'With VLLM_ALLOW_RUNTIME_LORA_UPDATING=true vLLM serves POST /v1/load_lora_adapter and POST /v1/unload_lora_adapter on the same port as the API. '
    + 'Any client that can reach that port can load any path the engine can read as an adapter, or unload the adapters others use, so the engine must bind to '
    + '127.0.0.1 and a path-filtering proxy must serve the public port. Flagged: the container itself when it listens beyond loopback, '
    + 'or when an nginx proxy beside it (its config in a ConfigMap the pod mounts) forwards a LoRA loading route to it, '
    + 'and every Service, Ingress or NetworkPolicy that routes or admits traffic to such a port.',
  fix: 'Use adapters.loadOnFirstUse with adapters.proxyImage or runtime.sleepMode (the engine binds to 127.0.0.1 behind a proxy that forwards vLLM\'s public routes only), '
    + 'or pass --host=127.0.0.1 to vLLM and point Services at a proxy port; list adapters in --lora-modules where they are known at startup.',
  check(obj, context) {
    return RUNTIME_LORA.checkRouting(obj, context) ?? RUNTIME_LORA.exposedOf(obj, context).map(e => (e.via
      ? {
        value: `${e.via.proxy} port ${e.port}: ${e.via.routes.join(', ')}`,
        message: `vLLM container "${e.container}" runs with VLLM_ALLOW_RUNTIME_LORA_UPDATING on loopback, but container "${e.via.proxy}" forwards its LoRA loading routes from port ${e.port} (${e.via.config})`,
        fix: 'forward only vLLM\'s public routes and answer 404 to the rest (adapters.proxyImage writes such a proxy)',
      }
      : {
        value: `--host ${e.host ?? 'unset (all interfaces)'}, port ${e.port}`,
        message: `vLLM container "${e.container}" runs with VLLM_ALLOW_RUNTIME_LORA_UPDATING and listens beyond loopback: the pod IP serves /v1/load_lora_adapter`,
        fix: 'pass --host=127.0.0.1 and serve the API through a path-filtering proxy (adapters.loadOnFirstUse with adapters.proxyImage does both)',
      }));
  },
});
