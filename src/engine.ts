import { requireNoCredential } from './private/credentials';
import { fail } from './private/errors';
import { EXPANSION_SYNTAX } from './private/expansion';
import { EXTRA_ARG } from './private/extra-args';
import { requireDigest } from './private/image';
import { isEnvVarName } from './private/k8s-names';
import { isCredentialName, masked, redact, showValue } from './private/redact';
import { resolveFlag, settingOf } from './private/vllm-argv';
import { VLLM_FLAG_SOURCE } from './private/vllm-flags';

/**
 * Options for the vLLM engine.
 */
export interface VllmEngineOptions {
  /**
   * The vLLM OpenAI server image, pinned by digest
   * (`vllm/vllm-openai@sha256:...`).
   */
  readonly image: string;

  /**
   * More engine flags, each `--flag` or `--flag=value`. A flag the library
   * already sets to another value is refused rather than silently overridden:
   * use the typed prop for it. A `$(` or `$$` is refused: the kubelet would
   * substitute an env var (a Secret's too) into the command line. So is a
   * credential (`--api-key=...`, a token in any value).
   * @default - none
   */
  readonly extraArgs?: string[];

  /**
   * More environment variables. Never credentials: a credential-named
   * variable (`HF_TOKEN`, `*_API_KEY` ...) with a literal value, or a token in
   * any value, is refused, since it would be written to the manifest in clear text.
   * @default - none
   */
  readonly extraEnv?: { [name: string]: string };
}

/**
 * The inference engine.
 */
export class Engine {
  /**
   * vLLM's OpenAI-compatible server.
   */
  public static vllm(options: VllmEngineOptions): Engine {
    return new Engine(options);
  }

  /** The engine image. */
  public readonly image: string;
  /** Extra engine flags. */
  public readonly extraArgs: string[];
  /** Extra environment variables. */
  public readonly extraEnv: { [name: string]: string };

  private constructor(options: VllmEngineOptions) {
    const factory = 'Engine.vllm';
    if (options === null || typeof options !== 'object') {
      fail(factory, 'CS-IN-059', 'the options are missing', 'pass { image: "vllm/vllm-openai@sha256:..." }');
    }
    if (options.extraArgs !== undefined && !Array.isArray(options.extraArgs)) {
      fail(factory, 'CS-IN-059', 'extraArgs is not a list', 'pass a list of flags, e.g. ["--max-model-len=4096"]');
    }
    if (options.extraEnv !== undefined && (options.extraEnv === null || typeof options.extraEnv !== 'object' || Array.isArray(options.extraEnv))) {
      fail(factory, 'CS-IN-059', 'extraEnv is not a map of names to values', 'pass e.g. { VLLM_LOGGING_LEVEL: "INFO" }');
    }
    this.image = requireDigest(factory, options.image, 'engine image');
    for (const arg of options.extraArgs ?? []) {
      if (!EXTRA_ARG.test(arg)) {
        fail(factory, 'CS-IN-043', `engine extra arg ${describeArg(arg)} is not --flag or --flag=value`, 'pass each flag as one item, e.g. "--max-model-len=4096"');
      }
      // Refused, not escaped: `--api-key=$(API_KEY)` is meant to expand, and
      // escaped it would silently make the literal "$(API_KEY)" the key.
      if (EXPANSION_SYNTAX.test(arg)) {
        fail(factory, 'CS-IN-055', `engine extra arg ${describeArg(arg)} contains $( or $$, which the kubelet rewrites ($(NAME) becomes the value of env var NAME, a Secret's included, in the process list and logs)`,
          'let vLLM read the variable from its environment (VLLM_API_KEY, HF_TOKEN ...: set it by Secret reference), or pass the value itself');
      }
    }
    for (const arg of options.extraArgs ?? []) {
      const name = arg.split('=')[0];
      const literal = arg.length > name.length + 1;
      if (isCredentialName(name) && literal) {
        fail(factory, 'CS-IN-015', `engine extra arg ${describeArg(arg)} passes a credential as a literal on the command line`,
          'let vLLM read it from its environment (VLLM_API_KEY, HF_TOKEN) set by Secret reference, not as a flag');
      }
      requireNoCredential(factory, arg, `engine extra arg "${name}"`);
    }
    for (const arg of options.extraArgs ?? []) {
      const [, written, value] = EXTRA_ARG.exec(arg)!;
      const flag = resolveFlag(written);
      const owner = OWNED[settingOf(flag.name)];
      if (owner) {
        fail(factory, 'CS-IN-006', `engine extra arg ${describeArg(arg)} sets ${flag.name}${flag.abbreviated ? ` (vLLM reads ${written} as ${flag.name})` : ''}, which ${owner} sets`,
          `drop it from extraArgs and use ${owner}`);
      }
      if (flag.ambiguous) {
        fail(factory, 'CS-IN-043', `engine extra arg ${written} is ambiguous: vLLM's parser would take it for any of ${flag.ambiguous.join(', ')}`, 'spell the flag in full');
      }
      if (flag.abbreviated) {
        fail(factory, 'CS-IN-043', `engine extra arg ${written} is an abbreviation that vLLM reads as ${flag.name}`, `spell it in full: ${flag.name}`);
      }
      if (flag.arity === undefined) {
        fail(factory, 'CS-IN-043', `engine extra arg ${written} is not a flag of vLLM's server (${VLLM_FLAG_SOURCE})`,
          'check the spelling against `vllm serve --help`; a flag of a newer release belongs in src/private/vllm-flags.ts (regenerated from that release)');
      }
      if (flag.arity === 'none' && value !== undefined) {
        fail(factory, 'CS-IN-043', `engine extra arg ${written} is a switch and takes no value (vLLM's parser refuses ${written}=...)`, `pass ${written} alone, or its --no- form`);
      }
      if ((flag.arity === 'one' || flag.arity === 'many') && value === undefined) {
        fail(factory, 'CS-IN-043', `engine extra arg ${written} needs a value`, `pass ${written}=<value> as one item`);
      }
    }
    for (const [name, value] of Object.entries(options.extraEnv ?? {})) {
      if (!isEnvVarName(name) || typeof value !== 'string') {
        fail(factory, 'CS-IN-058', `engine extraEnv "${name}" is not a valid env var name with a string value`, 'use letters, digits, "_", "-" and "." (not starting with a digit), and a string value');
      }
      // A path (GOOGLE_APPLICATION_CREDENTIALS=/var/run/...) points at a mounted secret; it is not one.
      if (isCredentialName(name) && typeof value === 'string' && value !== '' && !value.startsWith('/')) {
        fail(factory, 'CS-IN-015', `engine extraEnv ${name} is a credential given as a literal (${masked(value)})`,
          `store it in a Secret and set ${name} from it (env valueFrom.secretKeyRef), or use workload identity; extraEnv is written to the manifest in clear text`);
      }
      requireNoCredential(factory, value, `engine extraEnv ${name}`);
    }
    this.extraArgs = options.extraArgs ?? [];
    this.extraEnv = options.extraEnv ?? {};
  }
}

/**
 * Settings a typed prop writes: an extra arg may not set them in any spelling
 * (`--no-x`, a prefix, `--compilation-config` for `-O`), whether or not the
 * prop is set, so the typed prop and the rules that read it stay the truth.
 * `--config` reads flags from a file nothing here can check.
 */
const OWNED: Record<string, string> = {
  '--model': 'the weight source (props.weights)',
  '--served-model-name': 'props.servedModelName',
  '--port': 'the backend (the model port)',
  '--tensor-parallel-size': 'props.gpu.count',
  '--gpu-memory-utilization': 'runtime.gpuMemoryUtilization',
  '--enforce-eager': 'runtime.enforceEager',
  '-O': 'runtime.compile',
  '--enable-sleep-mode': 'runtime.sleepMode',
  '--enable-lora': 'props.adapters',
  '--max-loras': 'props.adapters.maxLoras',
  '--max-lora-rank': 'props.adapters.maxLoraRank',
  '--max-cpu-loras': 'props.adapters.maxCpuLoras',
  '--lora-modules': 'props.adapters.preload',
  '--config': 'the typed props (a --config file would hide flags from every check)',
};

/**
 * A malformed extra arg for a message: its first word, and the rest masked
 * when that word names a credential (`--api-key sk-...` is one item here).
 */
function describeArg(arg: unknown): string {
  const text = String(arg);
  const m = /^([^\s=]*)([\s=][\s\S]*)?$/.exec(text)!;
  return m[2] === undefined ? `"${redact(text)}"` : `"${m[1]}${m[2][0]}${showValue(m[1], m[2].slice(1))}"`;
}
