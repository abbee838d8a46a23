import { ErrorSite, fail } from './errors';

const DIGEST = /^(?<name>[a-z0-9][a-z0-9._\-/:]*?)(?::(?<tag>[\w][\w.-]{0,127}))?@sha256:(?<digest>[a-f0-9]{64})$/;

/**
 * True when `image` is pinned by a sha256 digest. A pinned image never changes,
 * so `IfNotPresent` is correct and a warm node never pulls it again (lever 2).
 * @internal
 */
export function isDigestPinned(image: string): boolean {
  return DIGEST.test(image);
}

/**
 * Validates an image (or `oci://` modelcar reference without its scheme) and
 * returns it unchanged. Digests pass through as-is (KServe does the same).
 * @internal
 */
export function requireDigest(site: ErrorSite, image: string, what: string): string {
  // `oci://oci://...` or `docker://...` leaves a scheme in the name: no runtime can pull that.
  if (typeof image === 'string' && (image.includes('//') || /^[a-z][a-z0-9+.-]*:\/\//.test(image))) {
    fail(site, 'CS-IMG-001', `${what} "${image}" is not an image reference (it holds a scheme or an empty path segment)`,
      'pass registry/repository@sha256:<digest>, with at most one leading oci:// where a modelcar takes one');
  }
  if (!image || !isDigestPinned(image)) {
    fail(site, 'CS-IMG-001', `${what} "${image}" is not pinned by digest (a tag can move, and a tag forces imagePullPolicy Always on every wake)`,
      'reference it as registry/repository@sha256:<64 hex digits> (`crane digest <image>` or `docker buildx imagetools inspect <image>` prints it)');
  }
  return image;
}
