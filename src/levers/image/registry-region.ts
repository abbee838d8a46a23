/** Artifact Registry: `REGION-docker.pkg.dev` (a region, or the multi-regions us, europe, asia). */
const ARTIFACT_REGISTRY = /^([a-z0-9-]+)-docker\.pkg\.dev$/;
/** Amazon ECR: `ACCOUNT.dkr.ecr.REGION.amazonaws.com` (and its FIPS and China forms). */
const ECR = /^\d{12}\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;
const MULTI_REGIONS = ['us', 'europe', 'asia'];

/**
 * The registry host of an image reference (`host/repo@sha256:...`, with or
 * without `oci://`), or undefined for a Docker Hub short name.
 * @internal
 */
export function registryHost(image: string): string | undefined {
  const first = image.replace(/^oci:\/\//, '').split('/')[0];
  return image.includes('/') && /[.:]/.test(first) ? first : undefined;
}

/**
 * The region a registry host serves from, when its name says so.
 * @internal
 */
export function registryRegion(host: string): string | undefined {
  return ARTIFACT_REGISTRY.exec(host)?.[1] ?? ECR.exec(host)?.[1];
}

/**
 * True when a registry region serves `region`: the same region, or an
 * Artifact Registry multi-region containing it (`us` holds `us-central1`).
 * @internal
 */
export function servesRegion(registry: string, region: string): boolean {
  return registry === region || (MULTI_REGIONS.includes(registry) && region.startsWith(`${registry}-`));
}
