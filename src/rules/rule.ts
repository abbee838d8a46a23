import { CloudProvider, Environment } from '../profile';

/**
 * How bad a finding is.
 */
export enum RuleLevel {
  /** Fails synth unless suppressed with a reason. */
  ERROR = 'error',
  /** Printed and reported; synth goes on. */
  WARNING = 'warning',
}

/**
 * One thing a rule found on one object. The pack adds the object, its path
 * and the rule, so a violation only says what is wrong.
 */
export interface Violation {
  /** The offending value as found (an image, a flag, a size): the report shows it beside the fix. */
  readonly value: string;
  /** What is wrong, naming the container or field, so it can be found in a large object. */
  readonly message: string;
  /**
   * The fix for this object, when more specific than the rule's (it can name
   * the container or the value to set).
   * @default - the rule's fix
   */
  readonly fix?: string;
}

/**
 * Props of a `RuleContext`.
 */
export interface RuleContextProps {
  /**
   * The cloud the app targets.
   * @default CloudProvider.GENERIC
   */
  readonly cloud?: CloudProvider;
  /**
   * The environment the app targets.
   * @default Environment.LAB
   */
  readonly environment?: Environment;
  /**
   * The cluster's region.
   * @default - no region
   */
  readonly region?: string;
  /**
   * Every object of the app as synthesized JSON, for a rule tested on its own.
   * @default - no objects
   */
  readonly objects?: any[];
}

/**
 * What a rule may know besides the object it judges: the pack's profile and
 * the rest of the app. A class rather than a struct, so that the app's objects
 * are serialized only when a rule asks for them, and, in other jsii languages,
 * are not copied into every call of `check`.
 */
export class RuleContext {
  /**
   * A context whose objects are computed on the first call of `objects()`;
   * the path of the object at index i of them (`path(i)`) only if `pathOf`
   * asks for it (a finding about two objects), as construct paths are built
   * anew at every call, and an app's objects are thousands.
   * @internal
   */
  public static _lazy(props: RuleContextProps, objects: () => { readonly json: any[]; readonly path: (index: number) => string }): RuleContext {
    const context = new RuleContext(props);
    context.load = () => {
      const { json, path } = objects();
      context.pathAt = path;
      return json;
    };
    return context;
  }

  /** The cloud the app targets: cloud-specific objects may be wrong on another. */
  public readonly cloud: CloudProvider;
  /** The environment: production may require more than a lab. */
  public readonly environment: Environment;
  /** The cluster's region, when the profile sets one (registry region checks). */
  public readonly region?: string;
  private load: () => any[];
  private loaded?: any[];
  /** The path of the object at an index of `objects()`, for a lazy context. */
  private pathAt?: (index: number) => string;
  /** Each object's index in `objects()`, made on the first `pathOf`. */
  private indexes?: Map<object, number>;

  constructor(props: RuleContextProps = {}) {
    this.cloud = props.cloud ?? CloudProvider.GENERIC;
    this.environment = props.environment ?? Environment.LAB;
    this.region = props.region;
    const objects = props.objects ?? [];
    this.load = () => objects;
  }

  /**
   * Every object of the app as synthesized JSON, for rules that relate objects
   * (a Service and the pods it selects). Computed on the first call and the
   * same array for the rest of the validation pass, so a rule can cache what
   * it derives from it.
   */
  public objects(): any[] {
    return this.loaded ??= this.load();
  }

  /**
   * The construct path of an object from `objects()`, so a finding about two
   * objects can name both.
   * @returns undefined for an object that is not one of `objects()` (or a context built from plain props)
   */
  public pathOf(obj: any): string | undefined {
    const objects = this.objects();
    if (obj === null || typeof obj !== 'object' || this.pathAt === undefined) return undefined;
    if (this.indexes === undefined) {
      this.indexes = new Map();
      for (let i = 0; i < objects.length; i++) {
        const o = objects[i];
        // The last of an object listed twice wins.
        if (o !== null && typeof o === 'object') this.indexes.set(o, i);
      }
    }
    const i = this.indexes.get(obj);
    return i === undefined ? undefined : this.pathAt(i);
  }
}

/**
 * Props of a `Rule`: what RULES.md and every finding say about it.
 */
export interface RuleProps {
  /**
   * Stable id, e.g. `CS-IMG-001`: letters, digits, `-`, `_` and `.`, starting
   * with a letter. Suppressions and the report name the rule by it, so it
   * must not change once published.
   */
  readonly id: string;
  /** Whether a finding fails synth or is only reported. */
  readonly level: RuleLevel;
  /** One line: what a compliant object does. */
  readonly summary: string;
  /** Why it matters. */
  readonly explanation: string;
  /** How to fix it in general. */
  readonly fix: string;
  /**
   * The equivalent kube-linter check, whose exemption a suppression also
   * writes, so both tools agree.
   * @default - none
   */
  readonly kubeLinterCheck?: string;
  /**
   * The equivalent Polaris check, whose exemption a suppression also writes,
   * so both tools agree.
   * @default - none
   */
  readonly polarisCheck?: string;
}

/** What a rule id looks like; a suppression is checked against it when it is added. @internal */
export const RULE_ID = /^[A-Za-z][A-Za-z0-9._-]*$/;

/**
 * A rule reads one synthesized object (JSON, as it will be written) and never
 * our props, so it judges objects the user wrote just the same. Extend it and
 * add it to a `RulePack`.
 */
export abstract class Rule {
  /** Stable id, e.g. `CS-IMG-001`. */
  public readonly id: string;
  /** Whether a finding fails synth. */
  public readonly level: RuleLevel;
  /** One line. */
  public readonly summary: string;
  /** Why it matters. */
  public readonly explanation: string;
  /** How to fix it in general. */
  public readonly fix: string;
  /** The equivalent kube-linter check, whose exemption a suppression also writes. */
  public readonly kubeLinterCheck?: string;
  /** The equivalent Polaris check, whose exemption a suppression also writes. */
  public readonly polarisCheck?: string;

  constructor(props: RuleProps) {
    if (typeof props.id !== 'string' || !RULE_ID.test(props.id)) {
      throw new Error(`rule id "${props.id}" is not an id. Fix: use letters, digits, '-', '_' and '.', starting with a letter (e.g. ACME-001)`);
    }
    if (props.level !== RuleLevel.ERROR && props.level !== RuleLevel.WARNING) {
      throw new Error(`rule ${props.id}: level "${props.level}" is not a RuleLevel. Fix: use RuleLevel.ERROR or RuleLevel.WARNING`);
    }
    this.id = props.id;
    this.level = props.level;
    this.summary = props.summary;
    this.explanation = props.explanation;
    this.fix = props.fix;
    this.kubeLinterCheck = props.kubeLinterCheck;
    this.polarisCheck = props.polarisCheck;
  }

  /**
   * Judges one object.
   * @param obj the object as synthesized JSON; read it defensively, it may be any kind, written by anyone
   * @param context the pack's profile and the app's other objects
   * @returns one violation per problem found, none when the object complies
   */
  public abstract check(obj: any, context: RuleContext): Violation[];
}

/** A built-in rule as written in src/rules: its texts and `check` in one literal. @internal */
export interface RuleDefinition extends RuleProps {
  /**
   * What the rule's `check` reads, when that is all it reads: in an object
   * that is not an InferenceService and holds none of it, it finds nothing and
   * throws nothing, and the pack does not call it there (most objects of an
   * app are PriorityClasses, claims, Services, pods without vLLM).
   * `pods`: the object's pods (`podsOf`) and an InferenceService's storage;
   * `vllm`: its vLLM containers (`vllmContainers`) and their pods;
   * `inferenceService`: only InferenceServices.
   * @default - every object
   */
  readonly reads?: RuleReads;
  check(obj: any, context: RuleContext): Violation[];
}

class DefinedRule extends Rule {
  /** The definition's own function: the pack calls it for every object and rule, without a call forwarding to it. */
  public readonly check: (obj: any, context: RuleContext) => Violation[];
  /** See `RuleDefinition.reads`. */
  public readonly reads?: RuleReads;

  constructor(definition: RuleDefinition) {
    super(definition);
    this.check = definition.check;
    this.reads = definition.reads;
  }
}

/** What a built-in rule reads (see `RuleDefinition.reads`). @internal */
export type RuleReads = 'pods' | 'vllm' | 'inferenceService';

/**
 * The objects a rule can find something in, as the pack skips them: 0, every
 * object; 1, InferenceServices; 2, those and objects running vLLM; 3, those and
 * objects with a pod. A user's rule is 0: it may read anything.
 * @internal
 */
export function _readsOnly(rule: Rule): number {
  if (!(rule instanceof DefinedRule)) return 0;
  switch (rule.reads) {
    case 'inferenceService': return 1;
    case 'vllm': return 2;
    case 'pods': return 3;
    default: return 0;
  }
}

/**
 * A `Rule` from a literal, so each built-in rule reads as data beside its `check`.
 * @internal
 */
export function defineRule(definition: RuleDefinition): Rule {
  return new DefinedRule(definition);
}
