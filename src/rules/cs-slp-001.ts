import { EndpointExposure } from './exposure';
import { defineRule, Rule, RuleLevel } from './rule';
import { INTERNAL_ROUTES } from '../private/vllm-routes';

/**
 * FACTS: `/sleep`, `/wake_up` and `/is_sleeping` exist only with
 * `VLLM_SERVER_DEV_MODE=1` (read as an integer by vLLM) and share the API's
 * port; so do the other dev-mode routes (src/private/vllm-routes.ts).
 */
const DEV_MODE = new EndpointExposure({
  enabled: env => {
    const dev = env.VLLM_SERVER_DEV_MODE;
    return dev !== undefined && /^\s*[0-9]+\s*$/.test(dev) && Number(dev) !== 0;
  },
  routes: INTERNAL_ROUTES.filter(r => r.when === 'VLLM_SERVER_DEV_MODE').map(r => r.path),
  setting: 'VLLM_SERVER_DEV_MODE=1',
  endpoints: 'sleep/wake endpoints',
});

/** @internal */
export const CS_SLP_001: Rule = defineRule({
  id: 'CS-SLP-001',
  level: RuleLevel.ERROR,
  summary: 'vLLM\'s sleep/wake endpoints (VLLM_SERVER_DEV_MODE=1) listen on loopback only, and no Service, Ingress or NetworkPolicy lets traffic reach them',
  explanation: 'With VLLM_SERVER_DEV_MODE=1 vLLM serves POST /sleep, POST /wake_up and GET /is_sleeping on the same port as the API. '
    + 'Any client that can reach that port can put the model to sleep or force a wake, so the engine must bind to 127.0.0.1 and '
    + 'a path-filtering proxy must serve the public port. Flagged: the dev-mode container itself when it listens beyond loopback, '
    + 'or when an nginx proxy beside it (its config in a ConfigMap the pod mounts) forwards a dev-mode route to it, '
    + 'and every Service, Ingress or NetworkPolicy that routes or admits traffic to such a port.',
  fix: 'Use runtime.sleepMode (the engine binds to 127.0.0.1 behind a proxy that forwards vLLM\'s public routes only), '
    + 'or pass --host=127.0.0.1 to vLLM and point Services at a proxy port; drop VLLM_SERVER_DEV_MODE where sleep mode is not needed.',
  check(obj, context) {
    return DEV_MODE.checkRouting(obj, context) ?? DEV_MODE.exposedOf(obj, context).map(e => (e.via
      ? {
        value: `${e.via.proxy} port ${e.port}: ${e.via.routes.join(', ')}`,
        message: `vLLM container "${e.container}" runs with VLLM_SERVER_DEV_MODE=1 on loopback, but container "${e.via.proxy}" forwards its dev-mode routes from port ${e.port} (${e.via.config})`,
        fix: 'forward only vLLM\'s public routes and answer 404 to the rest (runtime.sleepMode writes such a proxy)',
      }
      : {
        value: `--host ${e.host ?? 'unset (all interfaces)'}, port ${e.port}`,
        message: `vLLM container "${e.container}" runs with VLLM_SERVER_DEV_MODE=1 and listens beyond loopback: the pod IP serves /sleep and /wake_up`,
        fix: 'pass --host=127.0.0.1 and serve the API through a path-filtering proxy (runtime.sleepMode does both)',
      }));
  },
});
