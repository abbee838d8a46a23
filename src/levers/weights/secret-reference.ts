import { Construct } from 'constructs';
import { isDnsSubdomain } from './source-impl';
import { fail } from '../../private/errors';

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
  return CREDENTIAL.test(value);
}

/**
 * A Secret reference whose name or key is a token is a literal credential in
 * disguise: it would land in the manifest in clear text.
 * @internal
 */
export function requireSecretRef(scope: Construct, ref: SecretKeyReference, what: string): SecretKeyReference {
  for (const value of [ref?.name, ref?.key]) {
    if (typeof value === 'string' && looksLikeCredential(value)) {
      fail(scope, 'CS-IN-015', `${what} is given a credential literal instead of a Secret reference`,
        `store it in a Secret (kubectl create secret generic <name> --from-literal=<key>=...) and pass { name: '<name>', key: '<key>' }`);
    }
  }
  if (!isDnsSubdomain(ref?.name) || !SECRET_KEY.test(ref?.key ?? '')) {
    fail(scope, 'CS-IN-015', `${what} Secret reference ${JSON.stringify(ref)} has no valid Secret name and key`,
      'pass { name, key } of an existing Secret in the model\'s namespace');
  }
  return ref;
}

/** Refuses a URL that carries a user or password (`https://user:pass@host`). @internal */
export function requireNoUserInfo(scope: Construct, url: string, what: string): void {
  if (/^[a-z][a-z0-9+.-]*:\/\/[^/@]*@/i.test(url)) {
    fail(scope, 'CS-IN-015', `${what} "${url.replace(/\/\/[^@]*@/, '//***@')}" carries a credential in the URL`,
      'drop the user and password from the URL and pass credentials by Secret reference or workload identity');
  }
}
