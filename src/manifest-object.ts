import { ApiObject, ApiObjectProps, App, ImplicitTokenResolver, JsonPatch, LazyResolver, NumberStringUnionResolver } from 'cdk8s';
import { Construct } from 'constructs';

const MANIFEST_OBJECT = Symbol.for('cdk8s-coldstart.ManifestObject');

/** A generated L1 class (cdk8s-plus `k8s.Kube*` or a CRD import): its static `manifest()` renders typed props to JSON. */
interface ManifestType<P> {
  manifest(props: P): any;
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
 * fresh metadata: the same bytes `ApiObject.toJson()` writes (a test compares
 * them), and label, annotation or patch changes show as usual. An object with
 * JSON patches, an app with custom resolvers, or a body that is not plain JSON
 * takes `ApiObject.toJson()` itself.
 * @internal
 */
export class ManifestObject extends ApiObject {
  /** Renders typed props with the L1's own conversion, once. */
  public static render<P>(scope: Construct, id: string, type: ManifestType<P>, props: P): ManifestObject {
    return new ManifestObject(scope, id, type.manifest(props));
  }

  /** Not `instanceof`: ApiObject's `Symbol.hasInstance` answers true for every ApiObject. */
  public static isManifestObject(x: unknown): x is ManifestObject {
    return typeof x === 'object' && x !== null && MANIFEST_OBJECT in x;
  }

  /** The body as written (sorted, without null or undefined), or undefined when it is not plain JSON. */
  private readonly body?: Record<string, unknown>;
  private patched = false;
  private clusterScope = false;

  constructor(scope: Construct, id: string, manifest: ApiObjectProps & Record<string, unknown>) {
    const { apiVersion, kind, metadata, ...body } = manifest;
    const written = sortedPlain(body);
    // ApiObject keeps the written body too (for the general path): one copy, not two.
    super(scope, id, written === NOT_PLAIN ? manifest : { apiVersion, kind, metadata, ...written as Record<string, unknown> });
    Object.defineProperty(this, MANIFEST_OBJECT, { value: true });
    this.body = written === NOT_PLAIN ? undefined : written as Record<string, unknown>;
  }

  public addJsonPatch(...ops: JsonPatch[]): void {
    // The namespace goes first, as the patch `clusterScoped()` adds to other objects would.
    if (!this.patched && this.clusterScope) super.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    this.patched = true;
    super.addJsonPatch(...ops);
  }

  /** Writes no namespace: what `clusterScoped()` does with a JSON patch on other objects. */
  public _clusterScoped(): void {
    if (this.patched) super.addJsonPatch(JsonPatch.remove('/metadata/namespace'));
    this.clusterScope = true;
  }

  public toJson(): any {
    if (this.patched || this.body === undefined || !defaultResolvers(this)) {
      const json = super.toJson();
      if (this.clusterScope && !this.patched && json.metadata) delete json.metadata.namespace;
      return json;
    }
    const metadata = this.metadata.toJson();
    if (metadata && this.clusterScope) delete metadata.namespace;
    return { apiVersion: this.apiVersion, kind: this.kind, ...(metadata === undefined ? {} : { metadata }), ...copy(this.body) };
  }
}

function defaultResolvers(obj: ApiObject): boolean {
  return App.of(obj).resolvers.every(r => r instanceof LazyResolver || r instanceof ImplicitTokenResolver || r instanceof NumberStringUnionResolver);
}

const NOT_PLAIN = Symbol('not plain');

/** What cdk8s' sanitize makes of plain JSON (keys sorted, null and undefined dropped), or NOT_PLAIN. */
function sortedPlain(value: unknown): unknown {
  if (typeof value === 'function') return NOT_PLAIN;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = sortedPlain(value[i]);
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
  for (const key of Object.keys(value).sort()) {
    const v = sortedPlain((value as Record<string, unknown>)[key]);
    if (v === NOT_PLAIN) return NOT_PLAIN;
    if (v != null) out[key] = v;
  }
  return out;
}

/** A deep copy of sorted plain JSON, keeping its key order. */
function copy(value: any): any {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(copy);
  const out: Record<string, unknown> = {};
  for (const key in value) out[key] = copy(value[key]);
  return out;
}
