import { isDnsSubdomain } from './source-impl';
import { requireNoCredential } from '../../private/credentials';
import { ErrorSite, fail } from '../../private/errors';
import { credentialIn } from '../../private/redact';

/**
 * A key of a Kubernetes Secret in the model's namespace. Credentials reach a
 * pod only this way: a literal token or key in a manifest is refused.
 */
export interface SecretKeyReference {
  /** Name of the Secret. */
  readonly name: string;
  /** Key inside the Secret. */
  readonly key: string;
}

/** Shapes of credentials that must never appear as a literal (HF token, AWS access key id and secret key). */
const CREDENTIAL = /^(hf_[A-Za-z0-9]{20,}|(AKIA|ASIA)[A-Z0-9]{16}|(?=.*[A-Z])(?=.*[a-z])(?=.*[0-9])[A-Za-z0-9/+]{40})$/;
const SECRET_KEY = /^[-._a-zA-Z0-9]+$/;

/** @internal */
export function looksLikeCredential(value: string): boolean {
  return CREDENTIAL.test(value) || credentialIn(value) !== undefined;
}

/**
 * A Secret reference whose name or key is a token is a literal credential in
 * disguise: it would land in the manifest in clear text.
 * @internal
 */
export function requireSecretRef(site: ErrorSite, ref: SecretKeyReference, what: string): SecretKeyReference {
  for (const value of [ref?.name, ref?.key]) {
    if (typeof value === 'string' && looksLikeCredential(value)) {
      fail(site, 'CS-IN-015', `${what} is given a credential literal instead of a Secret reference`,
        'store it in a Secret (kubectl create secret generic <name> --from-literal=<key>=...) and pass { name: \'<name>\', key: \'<key>\' }');
    }
  }
  // The values are not echoed: a malformed one may be a credential the pattern above missed.
  const bad = [!isDnsSubdomain(ref?.name) && 'name', !SECRET_KEY.test(ref?.key ?? '') && 'key'].filter(Boolean).join(' and ');
  if (bad) {
    fail(site, 'CS-IN-022', `${what} Secret reference has no valid ${bad}`,
      'pass { name, key } of an existing Secret in the model\'s namespace: a DNS-1123 name, and a key of letters, digits, -, _ and .');
  }
  return ref;
}

/**
 * A URL with anything before its last @ masked, for messages: a password may
 * hold / or @, and a URL refused for its shape may still carry one.
 * @internal
 */
export function maskUserInfo(url: string): string {
  return `${url}`.replace(/\/\/.*@/s, '//***@');
}

/**
 * Refuses a URL that carries a user or password (`https://user:pass@host`), a
 * token, or a signed-URL signature: it would sit in the manifest in clear text.
 * @internal
 */
export function requireNoUserInfo(site: ErrorSite, url: string, what: string): void {
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]*@/i.test(url)) {
    fail(site, 'CS-IN-015', `${what} "${maskUserInfo(url)}" carries a credential in the URL`,
      'drop the user and password from the URL and pass credentials by Secret reference or workload identity');
  }
  requireNoCredential(site, url, what);
}
