/**
 * The long flags of vLLM's OpenAI server (`python3 -m vllm.entrypoints.openai.api_server`
 * and `vllm serve`), without the leading `--`, by how many values each takes.
 *
 * SOURCE: the server's own usage text (argparse `--help` synopsis) of vLLM
 * v0.10.0, every flag in it; `[--x | --no-x]` pairs are boolean flags without
 * a value, `[--x X [X ...]]` take several, `[--x [X]]` an optional one.
 * LATER: flags of a 2026 release's usage text that v0.10.0 does not have, as
 * far as that text was available (a partial list: an unknown flag is refused,
 * so a newer one missing here fails loudly rather than silently).
 * Regenerate both from `python3 -m vllm.entrypoints.openai.api_server --help`
 * of the release to support.
 * @internal
 */
export const VLLM_FLAG_SOURCE = 'vLLM v0.10.0 api_server usage, plus later flags seen in a 2026 release';

/** @internal */
export const VLLM_V0_10_FLAGS = {
  none: [
    'allow-credentials', 'async-scheduling', 'calculate-kv-scales', 'data-parallel-hybrid-lb', 'disable-async-output-proc',
    'disable-cascade-attn', 'disable-chunked-mm-input', 'disable-custom-all-reduce', 'disable-fastapi-docs',
    'disable-frontend-multiprocessing', 'disable-hybrid-kv-cache-manager', 'disable-log-requests', 'disable-log-stats',
    'disable-mm-preprocessor-cache', 'disable-sliding-window', 'disable-uvicorn-access-log', 'enable-auto-tool-choice',
    'enable-chunked-prefill', 'enable-eplb', 'enable-expert-parallel', 'enable-force-include-usage', 'enable-lora', 'enable-lora-bias',
    'enable-multimodal-encoder-data-parallel', 'enable-prefix-caching', 'enable-prompt-adapter', 'enable-prompt-embeds',
    'enable-prompt-tokens-details', 'enable-request-id-headers', 'enable-server-load-tracking', 'enable-sleep-mode', 'enable-ssl-refresh',
    'enable-tokenizer-info-endpoint', 'enforce-eager', 'eplb-log-balancedness', 'fully-sharded-loras',
    'guided-decoding-disable-additional-properties', 'guided-decoding-disable-any-whitespace', 'guided-decoding-disable-fallback',
    'headless', 'interleave-mm-strings', 'multi-step-stream-outputs', 'no-allow-credentials', 'no-async-scheduling',
    'no-calculate-kv-scales', 'no-data-parallel-hybrid-lb', 'no-disable-cascade-attn', 'no-disable-chunked-mm-input',
    'no-disable-custom-all-reduce', 'no-disable-fastapi-docs', 'no-disable-frontend-multiprocessing', 'no-disable-hybrid-kv-cache-manager',
    'no-disable-mm-preprocessor-cache', 'no-disable-sliding-window', 'no-disable-uvicorn-access-log', 'no-enable-auto-tool-choice',
    'no-enable-chunked-prefill', 'no-enable-eplb', 'no-enable-expert-parallel', 'no-enable-force-include-usage', 'no-enable-lora',
    'no-enable-lora-bias', 'no-enable-multimodal-encoder-data-parallel', 'no-enable-prefix-caching', 'no-enable-prompt-embeds',
    'no-enable-prompt-tokens-details', 'no-enable-request-id-headers', 'no-enable-server-load-tracking', 'no-enable-sleep-mode',
    'no-enable-ssl-refresh', 'no-enable-tokenizer-info-endpoint', 'no-enforce-eager', 'no-eplb-log-balancedness', 'no-fully-sharded-loras',
    'no-guided-decoding-disable-additional-properties', 'no-guided-decoding-disable-any-whitespace', 'no-guided-decoding-disable-fallback',
    'no-interleave-mm-strings', 'no-multi-step-stream-outputs', 'no-ray-workers-use-nsight', 'no-return-tokens-as-token-ids',
    'no-skip-tokenizer-init', 'no-trust-remote-code', 'no-use-tqdm-on-load', 'ray-workers-use-nsight', 'return-tokens-as-token-ids',
    'skip-tokenizer-init', 'trust-remote-code', 'use-tqdm-on-load',
  ],
  one: [
    'additional-config', 'allowed-headers', 'allowed-local-media-path', 'allowed-methods', 'allowed-origins', 'api-key', 'api-server-count',
    'block-size', 'chat-template', 'chat-template-content-format', 'code-revision', 'compilation-config', 'config', 'config-format',
    'cpu-offload-gb', 'data-parallel-address', 'data-parallel-backend', 'data-parallel-rank', 'data-parallel-rpc-port',
    'data-parallel-size', 'data-parallel-size-local', 'data-parallel-start-rank', 'default-mm-loras', 'distributed-executor-backend',
    'download-dir', 'dtype', 'eplb-step-interval', 'eplb-window-size', 'generation-config', 'gpu-memory-utilization',
    'guided-decoding-backend', 'hf-config-path', 'hf-overrides', 'host', 'kv-cache-dtype', 'kv-events-config', 'kv-transfer-config',
    'limit-mm-per-prompt', 'load-format', 'log-config-file', 'logits-processor-pattern', 'logprobs-mode', 'long-prefill-token-threshold',
    'lora-dtype', 'lora-extra-vocab-size', 'max-cpu-loras', 'max-log-len', 'max-logprobs', 'max-long-partial-prefills', 'max-lora-rank',
    'max-loras', 'max-model-len', 'max-num-batched-tokens', 'max-num-partial-prefills', 'max-num-seqs', 'max-parallel-loading-workers',
    'max-seq-len-to-capture', 'media-io-kwargs', 'middleware', 'mm-processor-kwargs', 'model', 'model-impl', 'model-loader-extra-config',
    'num-gpu-blocks-override', 'num-lookahead-slots', 'num-redundant-experts', 'num-scheduler-steps', 'otlp-traces-endpoint',
    'override-attention-dtype', 'override-generation-config', 'override-neuron-config', 'override-pooler-config', 'pipeline-parallel-size',
    'port', 'preemption-mode', 'prefix-caching-hash-algo', 'pt-load-map-location', 'quantization', 'reasoning-parser', 'response-role',
    'revision', 'root-path', 'rope-scaling', 'rope-theta', 'scheduler-cls', 'scheduler-delay-factor', 'scheduling-policy', 'seed',
    'show-hidden-metrics-for-version', 'speculative-config', 'ssl-ca-certs', 'ssl-cert-reqs', 'ssl-certfile', 'ssl-keyfile', 'swap-space',
    'task', 'tensor-parallel-size', 'tokenizer', 'tokenizer-mode', 'tokenizer-revision', 'tool-call-parser', 'tool-parser-plugin',
    'uvicorn-log-level', 'worker-cls', 'worker-extension-cls',
  ],
  many: [
    'collect-detailed-traces', 'cuda-graph-sizes', 'ignore-patterns', 'lora-modules', 'served-model-name',
  ],
  optional: [
    'hf-token',
  ],
};

/** @internal */
export const VLLM_LATER_FLAGS = {
  none: [
    'aggregate-engine-logging', 'enable-log-requests', 'fail-on-environ-validation', 'no-enable-log-requests',
    'no-fail-on-environ-validation',
  ],
  one: [
    'attention-config', 'ec-transfer-config', 'gdn-prefill-backend', 'kernel-config', 'linear-backend', 'optimization-level',
    'performance-mode', 'profiler-config', 'reasoning-config', 'shutdown-timeout', 'spec-method', 'structured-outputs-config',
    'weight-transfer-config',
  ],
};
