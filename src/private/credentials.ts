import { ErrorSite, fail } from './errors';
import { credentialIn } from './redact';

/**
 * Refuses a value that holds a credential (see `credentialIn`); the message
 * says what kind, never the value.
 * @internal
 */
export function requireNoCredential(site: ErrorSite, value: unknown, what: string): void {
  if (typeof value !== 'string') return;
  const kind = credentialIn(value);
  if (kind) {
    fail(site, 'CS-IN-015', `${what} holds ${kind} (not shown)`,
      'keep credentials out of manifests: store it in a Secret and pass it by Secret reference, or use workload identity');
  }
}
