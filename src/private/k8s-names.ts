/**
 * The API server's syntax rules (k8s.io/apimachinery/pkg/util/validation),
 * so a bad key fails at synth instead of at `kubectl apply`.
 */

const NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
/** IsEnvVarName before relaxed validation (still the default on older clusters). */
const ENV_VAR_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

/** IsQualifiedName: label keys, annotation keys, taint and toleration keys. @internal */
export function isQualifiedName(key: unknown): boolean {
  if (typeof key !== 'string') return false;
  const parts = key.split('/');
  if (parts.length > 2) return false;
  const name = parts[parts.length - 1];
  if (!(name.length <= 63 && NAME_PART.test(name))) return false;
  if (parts.length === 2) {
    const prefix = parts[0];
    return prefix.length > 0 && prefix.length <= 253 && DNS1123_SUBDOMAIN.test(prefix);
  }
  return true;
}

/** IsValidLabelValue: empty, or at most 63 name characters. @internal */
export function isLabelValue(value: unknown): boolean {
  return typeof value === 'string' && (value === '' || (value.length <= 63 && NAME_PART.test(value)));
}

/** IsEnvVarName. @internal */
export function isEnvVarName(name: unknown): boolean {
  // hasChDirPrefix: '.', '..' and a name starting with '..' are refused too.
  return typeof name === 'string' && ENV_VAR_NAME.test(name) && name !== '.' && !name.startsWith('..');
}

/** An extended resource name (`nvidia.com/gpu`): a qualified name with a domain prefix. @internal */
export function isExtendedResourceName(name: unknown): boolean {
  return typeof name === 'string' && name.includes('/') && isQualifiedName(name) && !/(^|\.)kubernetes\.io\//.test(name);
}

/** IsDNS1123Subdomain: most object names, and the host names a Service or route answers to. @internal */
export function isDns1123Subdomain(name: unknown): boolean {
  return typeof name === 'string' && name.length <= 253 && DNS1123_SUBDOMAIN.test(name);
}

/** IsDNS1035Label: Service names. @internal */
export function isDns1035Label(name: unknown): boolean {
  return typeof name === 'string' && name.length <= 63 && /^[a-z]([-a-z0-9]*[a-z0-9])?$/.test(name);
}

/** The largest value of an int32 field (replicas, ports, probe thresholds). @internal */
export const INT32_MAX = 2 ** 31 - 1;
