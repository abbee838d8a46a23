import { IConstruct } from 'constructs';
import { ErrorId, isErrorId } from './error-catalogue';
import { redact } from './redact';
import { ColdStartError } from '../errors';

/**
 * Where an error is raised: a construct, or the name of a factory
 * (`WeightSource.objectStorage`) when its own arguments are checked before
 * any construct exists.
 * @internal
 */
export type ErrorSite = IConstruct | string;

/**
 * Throws a ColdStartError that names the construct path (or factory), the id
 * (a baseline rule's when that rule covers the same invariant) and the fix,
 * so the message alone is enough to correct the app.
 * @internal
 */
export function fail(site: ErrorSite, id: ErrorId, problem: string, fix: string): never {
  // The type admits catalogued ids only; this catches a JavaScript caller or a cast.
  if (!isErrorId(id)) throw new Error(`cdk8s-coldstart: error id "${id}" is not in src/private/error-catalogue.ts`);
  // The message lands in CI logs: a credential a check echoes by mistake is masked here, whatever the caller did.
  throw new ColdStartError(id, typeof site === 'string' ? site : site.node.path, redact(problem), redact(fix));
}
