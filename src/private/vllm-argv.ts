import { VLLM_LATER_FLAGS, VLLM_V0_10_FLAGS } from './vllm-flags';

/** How many values a flag takes, as argparse reads it. @internal */
export type Arity = 'none' | 'one' | 'many' | 'optional';

const ARITY = new Map<string, Arity>();
for (const table of [VLLM_V0_10_FLAGS, VLLM_LATER_FLAGS]) {
  for (const [arity, names] of Object.entries(table)) for (const n of names) ARITY.set(`--${n}`, arity as Arity);
}
/** Every long flag, sorted, for prefix resolution. */
const LONG_FLAGS = [...ARITY.keys()].sort();

/** Short aliases vLLM registers (`-tp 4`); `-O` is its optimization-level shorthand. */
const SHORT: Record<string, string> = { '-tp': '--tensor-parallel-size', '-pp': '--pipeline-parallel-size', '-dp': '--data-parallel-size' };

/**
 * What one written flag means to vLLM's parser. argparse (`allow_abbrev`)
 * takes any unambiguous prefix of a long flag, vLLM's FlexibleArgumentParser
 * reads `_` as `-` in the name and `--json-flag.key value` as one key of a
 * JSON flag, and `-O<n>`, `-O <n>`, `-O.key` are the optimization shorthand.
 * @internal
 */
export interface ResolvedFlag {
  /** The long flag vLLM sets (`--host` for `--hos`), or the name as written when unknown. */
  readonly name: string;
  /** The key of a JSON flag after a dot (`concurrency` in `--model-loader-extra-config.concurrency`). */
  readonly key?: string;
  /** Values the flag takes; undefined when the flag is not in the checked-in list. */
  readonly arity?: Arity;
  /** Written as a prefix of `name`. */
  readonly abbreviated: boolean;
  /** More than one flag starts with what was written. */
  readonly ambiguous?: readonly string[];
}

/** Resolutions by the name as written: every model's argv spells the same few flags. Frozen, since callers share them. */
const RESOLVED = new Map<string, ResolvedFlag>();
const MAX_RESOLVED = 1000;

/** Resolves the name part of a flag (`--gpu_memory_util`, `--hos`, `-tp`). @internal */
export function resolveFlag(written: string): ResolvedFlag {
  let r = RESOLVED.get(written);
  if (r === undefined) {
    r = resolve(written);
    if (r.ambiguous) Object.freeze(r.ambiguous);
    Object.freeze(r);
    if (RESOLVED.size >= MAX_RESOLVED) RESOLVED.clear();
    RESOLVED.set(written, r);
  }
  return r;
}

function resolve(written: string): ResolvedFlag {
  if (SHORT[written]) return { name: SHORT[written], arity: 'one', abbreviated: false };
  if (/^-O/.test(written) && !written.startsWith('--')) return { name: '-O', key: written.startsWith('-O.') ? written.slice(3) : undefined, arity: 'one', abbreviated: false };
  const dot = written.indexOf('.');
  const key = dot > 0 ? written.slice(dot + 1) : undefined;
  const name = (dot > 0 ? written.slice(0, dot) : written).replace(/_/g, '-');
  const exact = ARITY.get(name);
  if (exact) return { name, key, arity: exact, abbreviated: false };
  if (!name.startsWith('--') || name.length < 3) return { name, key, abbreviated: false };
  const candidates = prefixed(name);
  if (candidates.length === 1) return { name: candidates[0], key, arity: ARITY.get(candidates[0]), abbreviated: true };
  if (candidates.length > 1) return { name, key, abbreviated: true, ambiguous: candidates };
  return { name, key, abbreviated: false };
}

function prefixed(name: string): string[] {
  // Binary search for the first flag >= name, then walk while it is a prefix.
  let lo = 0;
  let hi = LONG_FLAGS.length;
  while (lo < hi) {
    const mid = Math.floor((lo + hi) / 2);
    if (LONG_FLAGS[mid] < name) lo = mid + 1;
    else hi = mid;
  }
  const out: string[] = [];
  for (let i = lo; i < LONG_FLAGS.length && LONG_FLAGS[i].startsWith(name); i++) out.push(LONG_FLAGS[i]);
  return out;
}

/**
 * The setting a flag changes, so two spellings of one setting meet: `--no-x`
 * and `--x` are one boolean, and `-O`, `--compilation-config` and
 * `--optimization-level` all set the compilation level.
 * @internal
 */
export function settingOf(name: string): string {
  if (/^-O(\d*)$/.test(name) || name === '--compilation-config' || name === '--optimization-level') return '-O';
  if (name.startsWith('--no-') && ARITY.get(`--${name.slice(5)}`) === 'none') return `--${name.slice(5)}`;
  return name;
}

/** One flag as vLLM reads it from an argv. @internal */
export interface ReadFlag {
  readonly name: string;
  readonly key?: string;
  /** `true` for a flag without a value; `false` for `--no-x`. */
  readonly value: string | boolean;
  /** Index of the element that holds the flag. */
  readonly at: number;
}

/**
 * Every flag of an argv as vLLM's parser reads it, in order: `--flag=value`
 * and `--flag value` (the value only where the flag takes one), prefixes and
 * `_` resolved, `--no-x` as x = false. Elements are never split: an element
 * with white space is one argument, as it is to the process.
 * @internal
 */
export function readArgv(argv: readonly string[]): ReadFlag[] {
  const out: ReadFlag[] = [];
  // Every vLLM container's argv is read, mostly before the JIT has optimized this: characters compared, not matched.
  for (let at = 0; at < argv.length; at++) {
    const t = argv[at];
    if (!t.startsWith('-') || t === '-' || t === '--' || isDigit(t.charCodeAt(1))) continue;
    // argparse treats an element with a space and no leading `--x=` as a positional.
    const eq = t.indexOf('=');
    const written = eq > 0 ? t.slice(0, eq) : t;
    if (/\s/.test(written)) continue;
    // -O3 / -O0: the level is glued to the flag.
    const glued = written.startsWith('-O') ? /^-O(\d+)$/.exec(written) : null;
    const r = resolveFlag(glued ? '-O' : written);
    const name = r.ambiguous ? written : r.name;
    if (glued) {
      out.push({ name, value: glued[1], at });
      continue;
    }
    if (eq > 0) {
      out.push({ name, key: r.key, value: t.slice(eq + 1), at });
      continue;
    }
    if (r.arity === 'none') {
      const negated = name.startsWith('--no-') && ARITY.get(`--${name.slice(5)}`) === 'none';
      out.push(negated ? { name: `--${name.slice(5)}`, value: false, at } : { name, value: true, at });
      continue;
    }
    const next = argv[at + 1];
    const takesNext = next !== undefined && (r.arity === 'one' || !next.startsWith('-'));
    if (!takesNext || (r.arity === undefined && next.startsWith('-'))) {
      out.push({ name, key: r.key, value: true, at });
      continue;
    }
    if (r.arity === 'many') {
      const values: string[] = [];
      while (argv[at + 1] !== undefined && !argv[at + 1].startsWith('-')) values.push(argv[++at]);
      out.push({ name, key: r.key, value: values.join(' '), at });
      continue;
    }
    out.push({ name, key: r.key, value: next, at: at++ });
  }
  return out;
}

/** A code unit of 0-9 (NaN, past the end of a string, is not). */
function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}
