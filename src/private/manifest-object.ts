import { ApiObject, ApiObjectMetadataDefinition, ApiObjectProps, App, GroupVersionKind, ImplicitTokenResolver, JsonPatch, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';

const MANIFEST_OBJECT = Symbol.for('cdk8s-coldstart.ManifestObject');

/** A generated L1 class (cdk8s-plus `k8s.Kube*` or a CRD import): its kind, and its static `manifest()`, the reference rendering. */
interface ManifestType<P> {
  readonly GVK: GroupVersionKind;
  manifest(props: P): any;
}

const K8S_TYPES: ReadonlySet<unknown> = new Set(Object.values(k8s));

/** Set by the test suite: every conversion is also done the generated way and compared. */
let verifyConversions = false;

/** @internal */
export function _verifyConversions(on: boolean): void {
  verifyConversions = on;
}

/**
 * Typed props of the Kubernetes API (cdk8s-plus `k8s.*`) as the JSON their generated
 * `toJson_*` function (`reference`) writes: undefined dropped, `Quantity` and
 * `IntOrString` as their value. The generated functions rebuild every object one
 * key at a time with an object spread, which took half of a model's
 * construction. They also rename the few keys no typed name can spell
 * (`hostIPC`, `volumeID`, `$ref`). This walk does not, since it cannot tell a
 * typed field from a key of a free-form map (labels, nodeSelector, data) that
 * must stay as written: our code sets none of those fields, and the test suite
 * converts every object both ways and fails on any difference (see
 * `_verifyConversions`).
 * @internal
 */
export function typedToJson<P>(where: string, props: P, reference?: (props: P) => unknown): any {
  let json: any;
  try {
    json = plainOf(props);
  } catch (e) {
    throw new Error(`${where}: ${(e as Error).message}`);
  }
  if (verifyConversions && reference) {
    const [ours, theirs] = [json, reference(props)].map(x => JSON.stringify(sortedPlain(x)));
    if (ours !== theirs) throw new Error(`${where}: typed props convert differently from the generated toJson:\n${ours}\n${theirs}`);
  }
  return json;
}

function plainOf(value: any): any {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(plainOf);
  if (Object.getPrototypeOf(value) !== Object.prototype) {
    // The generated union classes (Quantity, IntOrString, a CRD's *IntOrString) hold one string or number.
    const inner = value.value;
    if (typeof inner === 'string' || typeof inner === 'number') return inner;
    throw new Error(`cannot render a ${value.constructor?.name ?? 'non-plain object'} as JSON`);
  }
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) {
    const v = value[key];
    if (v === undefined) continue;
    // An own `__proto__` key (JSON.parse makes one) stays a key: assigning it would set the prototype.
    if (key === '__proto__') Object.defineProperty(out, key, { value: plainOf(v), enumerable: true, writable: true, configurable: true });
    else out[key] = plainOf(v);
  }
  return out;
}

/**
 * `typedToJson` and `sortedPlain` in one walk: the typed props as sorted,
 * pruned JSON (what the constructor would make of `typedToJson`'s output), or
 * undefined for data `sortedPlain` leaves to cdk8s (a function, a `constructor`
 * or `__proto__` key).
 */
function typedToSortedJson<P>(where: () => string, props: P, reference?: (props: P) => unknown): Record<string, unknown> | undefined {
  let json: any;
  try {
    json = sortedPlainOf(props);
  } catch (e) {
    if (e === NOT_PLAIN) return undefined;
    throw new Error(`${where()}: ${(e as Error).message}`);
  }
  if (verifyConversions && reference) {
    const [ours, theirs] = [json, reference(props)].map(x => JSON.stringify(sortedPlain(x)));
    if (ours !== theirs) throw new Error(`${where()}: typed props convert differently from the generated toJson:\n${ours}\n${theirs}`);
  }
  return json;
}

// Every object the library writes is rendered by this walk, mostly before the JIT has optimized it: indexed
// loops (no iterators), and strings, the most common value, taken without a call.
function sortedPlainOf(value: any): any {
  if (typeof value === 'function') throw NOT_PLAIN;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const x = value[i];
      // A null slot becomes undefined, as in sortedPlain.
      out[i] = typeof x === 'string' ? x : sortedPlainOf(x) ?? undefined;
    }
    return out;
  }
  if (Object.getPrototypeOf(value) !== Object.prototype) {
    const inner = value.value;
    if (typeof inner === 'string' || typeof inner === 'number') return inner;
    throw new Error(`cannot render a ${value.constructor?.name ?? 'non-plain object'} as JSON`);
  }
  const out: Record<string, unknown> = {};
  const keys = Object.keys(value).sort();
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i];
    if (key === 'constructor' || key === '__proto__') throw NOT_PLAIN;
    const x = value[key];
    const v = typeof x === 'string' ? x : sortedPlainOf(x);
    if (v != null) out[key] = v;
  }
  return out;
}

/**
 * An object this library writes, held as the JSON it renders to.
 *
 * A typed L1 keeps typed props: every `toJson()` walks each value through the
 * app's resolvers, sorts and prunes it, then converts it to JSON, and synth
 * calls `toJson()` twice per object (the rule pack, then the writer). Our
 * objects are plain data fixed at construction, with no Lazy values or tokens,
 * and the app's default resolvers return such data unchanged. So the body
 * (everything but metadata) is sorted and pruned once, here, into a copy only
 * this object holds, and each `toJson()` returns a fresh deep copy of it with
 * fresh metadata and the JSON patches applied: the same bytes
 * `ApiObject.toJson()` writes (tests compare them). Metadata can change until
 * synth, so it is rendered on each call, but plain metadata skips the resolver
 * walk, which for such data changes nothing and cost more than the body. An app
 * with custom resolvers or `CDK8S_DISABLE_SORT`, or a body or metadata that is
 * not plain JSON, takes `ApiObject.toJson()` or `metadata.toJson()` itself.
 * @internal
 */
export class ManifestObject extends ApiObject {
  static {
    // ApiObject assigns `props` in its constructor and reads them in `toJson()` (its general path): through this
    // accessor a typed body is converted for them only when that path is taken.
    Object.defineProperty(ManifestObject.prototype, 'props', {
      get(this: ManifestObject) {
        return this.generalProps();
      },
      set(this: any, props: unknown) {
        this[GENERAL_PROPS] = props;
      },
    });
  }

  /**
   * Renders typed props as the L1 would, once. Kubernetes API types take
   * `typedToJson`; CRD imports, whose generated code renames many keys
   * (sysctls, `snapshotID`), and which are a few objects per app, take their
   * generated conversion.
   */
  public static render<P>(scope: Construct, id: string, type: ManifestType<P>, props: P): ManifestObject {
    if (!K8S_TYPES.has(type)) return new ManifestObject(scope, id, type.manifest(props));
    const where = () => `${scope.node.path}/${id}`;
    const reference = (p: P) => {
      const { apiVersion, kind, ...rest } = type.manifest(p);
      return rest;
    };
    const { apiVersion, kind } = type.GVK;
    if (process.env.CDK8S_DISABLE_SORT) return new ManifestObject(scope, id, { apiVersion, kind, ...typedToJson(where(), props, reference) });
    if (verifyConversions) typedToSortedJson(where, props, reference);
    return new ManifestObject(scope, id, { apiVersion, kind, ...props as Record<string, unknown> }, true);
  }

  /** Not `instanceof`: ApiObject's `Symbol.hasInstance` answers true for every ApiObject. */
  public static isManifestObject(x: unknown): x is ManifestObject {
    return typeof x === 'object' && x !== null && MANIFEST_OBJECT in x;
  }

  /**
   * The body (everything but metadata): as written (sorted, without null or
   * undefined) for a plain manifest, the typed props for a typed one, or
   * undefined when cdk8s renders it.
   */
  private readonly body?: Record<string, unknown>;
  /** Whether `body` holds typed props, converted and sorted at each rendering. */
  private readonly typed: boolean;
  /** Whether ApiObject's props hold the typed body converted (see `generalProps`). */
  private converted = false;
  /** ApiObject keeps its patches private; they are applied here as it would. */
  private readonly ownPatches: JsonPatch[] = [];

  /**
   * @param typed the manifest holds typed props (`k8s.*` structs, `Quantity`
   * and `IntOrString` values): held as given, as a typed L1 holds its props,
   * and converted, sorted and pruned in one walk when rendered, so the
   * rendering is the only copy. A plain manifest is copied, sorted, now.
   */
  constructor(scope: Construct, id: string, manifest: ApiObjectProps & Record<string, unknown>, typed = false) {
    const { apiVersion, kind, metadata, ...body } = manifest;
    // cdk8s reads CDK8S_DISABLE_SORT when it serializes; a process sets it before it builds anything.
    const sorting = !process.env.CDK8S_DISABLE_SORT;
    const written = !sorting ? NOT_PLAIN : typed ? body : sortedPlain(body);
    // ApiObject keeps the written body too (for the general path): one copy, not two. A typed body is
    // converted for it only if it takes that path.
    super(scope, id, written === NOT_PLAIN ? (typed ? { apiVersion, kind, metadata, ...typedToJson(`${scope.node.path}/${id}`, body) } : manifest)
      : typed ? { apiVersion, kind, metadata } : { apiVersion, kind, metadata, ...written as Record<string, unknown> });
    Object.defineProperty(this, MANIFEST_OBJECT, { value: true });
    this.body = written === NOT_PLAIN ? undefined : written as Record<string, unknown>;
    this.typed = typed && sorting;
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    JUDGED.delete(this.metadata);
    this.ownPatches.push(...ops);
    super.addJsonPatch(...ops);
  }

  /**
   * `toJson()` for the rule pack, which judges every object just before synth
   * writes it: the JSON it returns is handed to the next `toJson()` (the
   * writer's) instead of being rendered again, unless the object changed in
   * between (a metadata mutator or a JSON patch forgets it). Only plain JSON
   * is handed over: Lazy values and custom resolvers may answer differently on
   * each call. The rules only read it.
   * @internal
   */
  public _judge(): any {
    const json = this.plainJson();
    if (json === undefined) return super.toJson();
    const metadata = this.metadata as any;
    if (metadata.addLabel !== FORGETTING.addLabel) Object.assign(metadata, FORGETTING);
    JUDGED.set(metadata, json);
    return json;
  }

  public toJson(): any {
    const judged = JUDGED.get(this.metadata);
    if (judged !== undefined) {
      JUDGED.delete(this.metadata);
      return judged;
    }
    return this.plainJson() ?? super.toJson();
  }

  /** The props `ApiObject.toJson()` renders (see `GENERAL_PROPS`): a typed body is converted for it on first use. */
  private generalProps(): any {
    const self = this as any;
    if (this.typed && !this.converted) {
      self[GENERAL_PROPS] = { ...self[GENERAL_PROPS], ...typedToJson(this.node.path, this.body) };
      this.converted = true;
    }
    return self[GENERAL_PROPS];
  }

  /** The JSON `ApiObject.toJson()` would write, or undefined when this object is not plain data (cdk8s renders it then). */
  private plainJson(): any {
    // A body left to cdk8s at construction (not plain JSON, or CDK8S_DISABLE_SORT set) stays with it.
    if (this.body === undefined || !defaultResolvers(this)) return undefined;
    const metadata = plainMetadata(this.metadata);
    if (metadata === NOT_PLAIN) return undefined;
    const body = this.typed ? this.typedBody() : copy(this.body);
    if (body === undefined) return undefined;
    const json = { apiVersion: this.apiVersion, kind: this.kind, ...(metadata === undefined ? {} : { metadata }), ...body };
    if (!this.ownPatches.length) return json;
    let patched: any;
    try {
      patched = JsonPatch.apply(json, ...this.ownPatches);
    } catch {
      return undefined; // cdk8s fails the same way, with its message naming the construct
    }
    // As ApiObject does: identity first, then the rest in the order the patches left it.
    const result: any = {};
    for (const k of ['apiVersion', 'kind', 'metadata', ...Object.keys(patched)]) if (k in patched) result[k] = patched[k];
    return result;
  }

  /**
   * The typed body converted, sorted and pruned, or undefined for data only
   * cdk8s renders (a function, a `constructor` or `__proto__` key): ApiObject
   * then gets the body converted as `typedToJson` converts it.
   */
  private typedBody(): Record<string, unknown> | undefined {
    return typedToSortedJson(() => this.node.path, this.body);
  }
}

/** The judged JSON of each object, keyed by its metadata (see `_judge`). */
const JUDGED = new WeakMap<ApiObjectMetadataDefinition, any>();

/** The metadata mutators, each forgetting the judged JSON before it changes the metadata. */
const FORGETTING: Record<string, Function> = {};
for (const name of ['add', 'addLabel', 'addAnnotation', 'addFinalizers', 'addOwnerReference']) {
  const mutate = (ApiObjectMetadataDefinition.prototype as any)[name] as Function;
  FORGETTING[name] = function forget(this: ApiObjectMetadataDefinition, ...args: unknown[]) {
    JUDGED.delete(this);
    return mutate.apply(this, args);
  };
}

function defaultResolvers(obj: ApiObject): boolean {
  return App.of(obj).resolvers.every(r => r instanceof LazyResolver || r instanceof ImplicitTokenResolver || r instanceof NumberStringUnionResolver);
}

/**
 * `metadata.toJson()` for metadata that is plain JSON: the resolvers leave such
 * data as it is, so only cdk8s' sanitize remains (sorted keys, no null,
 * undefined, empty array or empty object). The fields are the ones cdk8s 2.x
 * renders; any other shape or value is NOT_PLAIN, and left to cdk8s.
 */
function plainMetadata(metadata: ApiObjectMetadataDefinition): unknown {
  const m = metadata as any;
  const extra = m._additionalAttributes;
  if (!isPlainRecord(extra) || !isPlainRecord(m.labels) || !isPlainRecord(m.annotations)
    || !Array.isArray(m.finalizers) || !Array.isArray(m.ownerReferences)) return NOT_PLAIN;
  for (const key in extra) {
    if (!METADATA_FIELDS.has(key)) {
      const { name, namespace, annotations, finalizers, ownerReferences, labels } = m;
      return sortedPlain({ ...extra, name, namespace, annotations, finalizers, ownerReferences, labels }, true);
    }
  }
  // Only the fields cdk8s always renders, which take precedence over `_additionalAttributes` (the usual case):
  // read them in sorted order, with no copy to sort.
  const out: Record<string, unknown> = {};
  let empty = true;
  for (const key of SORTED_METADATA_FIELDS) {
    const v = sortedPlain(m[key], true);
    if (v === NOT_PLAIN) return NOT_PLAIN;
    if (v != null) {
      out[key] = v;
      empty = false;
    }
  }
  return empty ? undefined : out;
}

/** The metadata fields cdk8s renders beside `_additionalAttributes`, in sorted order. */
const SORTED_METADATA_FIELDS = ['annotations', 'finalizers', 'labels', 'name', 'namespace', 'ownerReferences'];
const METADATA_FIELDS: ReadonlySet<string> = new Set(SORTED_METADATA_FIELDS);

function isPlainRecord(x: unknown): boolean {
  return typeof x === 'object' && x !== null && Object.getPrototypeOf(x) === Object.prototype;
}

const NOT_PLAIN = Symbol('not plain');
/** Where a ManifestObject keeps the props ApiObject assigns itself (see its `props` accessor). */
const GENERAL_PROPS = Symbol('props');

/**
 * What cdk8s' sanitize makes of plain JSON (keys sorted, null and undefined
 * dropped; with `filterEmpty`, empty arrays and objects too), or NOT_PLAIN.
 */
function sortedPlain(value: unknown, filterEmpty = false): unknown {
  if (typeof value === 'function') return NOT_PLAIN;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    if (filterEmpty && value.length === 0) return undefined;
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = sortedPlain(value[i], filterEmpty);
      if (v === NOT_PLAIN) return NOT_PLAIN;
      // Array slots stay where they are; a null one becomes undefined, as in cdk8s.
      out[i] = v ?? undefined;
    }
    return out;
  }
  // cdk8s reads `constructor` to tell plain objects, and `__proto__` is no ordinary key: leave both to it.
  if (Object.getPrototypeOf(value) !== Object.prototype || Object.prototype.hasOwnProperty.call(value, 'constructor')
    || Object.prototype.hasOwnProperty.call(value, '__proto__')) return NOT_PLAIN;
  const out: Record<string, unknown> = {};
  let empty = true;
  for (const key of Object.keys(value).sort()) {
    const v = sortedPlain((value as Record<string, unknown>)[key], filterEmpty);
    if (v === NOT_PLAIN) return NOT_PLAIN;
    if (v != null) {
      out[key] = v;
      empty = false;
    }
  }
  return filterEmpty && empty ? undefined : out;
}

/** A deep copy of sorted plain JSON, keeping its key order. */
function copy(value: any): any {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copy);
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = copy(value[key]);
  return out;
}

/**
 * Typed props as given, after checking (when the test suite turns the check
 * on) that they convert as the generated `toJson_*` function does: for typed
 * props nested in a manifest a typed `ManifestObject` converts when it renders.
 * @internal
 */
export function verifyConversion<P>(where: string, props: P, reference: (props: P) => unknown): P {
  if (verifyConversions) typedToJson(where, props, reference);
  return props;
}
