import { ErrorSite, fail } from './errors';

const REGION = /^[a-z]{2,}(-[a-z0-9]+)+$/;

/** A cloud region id (us-east-1, us-central1, europe-west4), wherever one is passed. @internal */
export function requireRegion(site: ErrorSite, region: string, what: string): void {
  if (!REGION.test(region ?? '')) {
    fail(site, 'CS-IN-026', `${what} "${region}" is not a region id`, 'use the provider\'s region id, e.g. us-central1 (GKE) or us-east-1 (EKS)');
  }
}
