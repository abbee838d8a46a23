/**
 * The HTTP routes of vLLM's OpenAI server, split into the ones clients may
 * reach and the ones that must stay inside the pod.
 *
 * SOURCE: vLLM v0.10.0 (commit 6d8d0a24c02bfd84d46b3016b865a44f048ae84b),
 * vllm/entrypoints/openai/api_server.py: every `@router.get/post(...)`, the
 * `Mount("/metrics", ...)` of `mount_metrics` (path regex `^/metrics(?P<path>.*)$`)
 * and FastAPI's default documentation routes, which `build_app` keeps unless
 * `--disable-fastapi-docs`. LATER: the dev-mode routes of a 2026 main commit
 * (28be48fa944d8c58aeffd1ab1b56e27828c6b268, vllm/entrypoints/serve/{cache,rpc,
 * sleep,rlhf}/api_router.py, registered only with VLLM_SERVER_DEV_MODE), so an
 * extra route can never re-open them on a newer image.
 * Regenerate from the release the library supports (src/private/vllm-flags.ts).
 * @internal
 */
export const VLLM_ROUTE_SOURCE = 'vLLM v0.10.0 vllm/entrypoints/openai/api_server.py (commit 6d8d0a24c02b)';

/** How nginx matches a route. @internal */
export enum RouteMatch {
  /** The path exactly (`location = /path`). */
  EXACT = 'exact',
  /** The path and everything under it (`location ^~ /path`): a Starlette Mount. */
  PREFIX = 'prefix',
  /** One path segment per `{param}` (a regex location). */
  TEMPLATE = 'template',
}

/** @internal */
export interface VllmRoute {
  readonly path: string;
  readonly methods: readonly string[];
  readonly match: RouteMatch;
  /** What registers it, when not every server has it. */
  readonly when?: string;
}

const exact = (path: string, methods: string[], when?: string): VllmRoute => ({ path, methods, match: RouteMatch.EXACT, when });

/** Routes clients may reach: the proxy forwards each of them and nothing else. @internal */
export const PUBLIC_ROUTES: readonly VllmRoute[] = [
  exact('/health', ['GET']),
  exact('/load', ['GET']),
  exact('/ping', ['GET', 'POST']),
  exact('/tokenize', ['POST']),
  exact('/detokenize', ['POST']),
  exact('/tokenizer_info', ['GET'], '--enable-tokenizer-info-endpoint'),
  exact('/v1/models', ['GET']),
  exact('/version', ['GET']),
  exact('/v1/responses', ['POST']),
  { path: '/v1/responses/{response_id}', methods: ['GET'], match: RouteMatch.TEMPLATE },
  { path: '/v1/responses/{response_id}/cancel', methods: ['POST'], match: RouteMatch.TEMPLATE },
  exact('/v1/chat/completions', ['POST']),
  exact('/v1/completions', ['POST']),
  exact('/v1/embeddings', ['POST']),
  exact('/pooling', ['POST']),
  exact('/classify', ['POST']),
  exact('/score', ['POST']),
  exact('/v1/score', ['POST']),
  exact('/v1/audio/transcriptions', ['POST']),
  exact('/v1/audio/translations', ['POST']),
  exact('/rerank', ['POST']),
  exact('/v1/rerank', ['POST']),
  exact('/v2/rerank', ['POST']),
  exact('/is_scaling_elastic_ep', ['POST']),
  exact('/invocations', ['POST']),
  // The Prometheus ASGI app, mounted: /metrics and anything after it.
  { path: '/metrics', methods: ['GET'], match: RouteMatch.PREFIX },
  // FastAPI's defaults (openapi_url, docs_url, swagger_ui_oauth2_redirect_url, redoc_url).
  exact('/openapi.json', ['GET'], 'not --disable-fastapi-docs'),
  exact('/docs', ['GET'], 'not --disable-fastapi-docs'),
  exact('/docs/oauth2-redirect', ['GET'], 'not --disable-fastapi-docs'),
  exact('/redoc', ['GET'], 'not --disable-fastapi-docs'),
];

/**
 * Routes that change the engine's state or exist only for development: never
 * forwarded, reachable from inside the pod only. @internal
 */
export const INTERNAL_ROUTES: readonly VllmRoute[] = [
  exact('/server_info', ['GET'], 'VLLM_SERVER_DEV_MODE'),
  exact('/reset_prefix_cache', ['POST'], 'VLLM_SERVER_DEV_MODE'),
  exact('/sleep', ['POST'], 'VLLM_SERVER_DEV_MODE'),
  exact('/wake_up', ['POST'], 'VLLM_SERVER_DEV_MODE'),
  exact('/is_sleeping', ['GET'], 'VLLM_SERVER_DEV_MODE'),
  // Always registered, but resizes the data-parallel engines.
  exact('/scale_elastic_ep', ['POST']),
  exact('/start_profile', ['POST'], 'VLLM_TORCH_PROFILER_DIR'),
  exact('/stop_profile', ['POST'], 'VLLM_TORCH_PROFILER_DIR'),
  exact('/v1/load_lora_adapter', ['POST'], 'VLLM_ALLOW_RUNTIME_LORA_UPDATING'),
  exact('/v1/unload_lora_adapter', ['POST'], 'VLLM_ALLOW_RUNTIME_LORA_UPDATING'),
  // LATER (see the source above).
  exact('/collective_rpc', ['POST'], 'VLLM_SERVER_DEV_MODE'),
  exact('/reset_mm_cache', ['POST'], 'VLLM_SERVER_DEV_MODE'),
  exact('/reset_encoder_cache', ['POST'], 'VLLM_SERVER_DEV_MODE'),
  exact('/pause', ['POST'], 'VLLM_SERVER_DEV_MODE'),
  exact('/resume', ['POST'], 'VLLM_SERVER_DEV_MODE'),
  exact('/is_paused', ['GET'], 'VLLM_SERVER_DEV_MODE'),
  exact('/init_weight_transfer_engine', ['POST'], 'VLLM_SERVER_DEV_MODE'),
  exact('/start_weight_update', ['POST'], 'VLLM_SERVER_DEV_MODE'),
  exact('/update_weights', ['POST'], 'VLLM_SERVER_DEV_MODE'),
  exact('/finish_weight_update', ['POST'], 'VLLM_SERVER_DEV_MODE'),
  exact('/get_world_size', ['GET'], 'VLLM_SERVER_DEV_MODE'),
];
