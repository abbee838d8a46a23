import { ApiObject, Size } from 'cdk8s';
import { k8s } from 'cdk8s-plus-28';
import { Construct } from 'constructs';
import { volumeBytesFor } from './source-impl';
import { fail } from '../../private/errors';
import { ManifestObject } from '../../private/manifest-object';
import { bytesToQuantity } from '../../private/quantity';
import { positiveBytes } from '../../private/size';
import { LeverContext } from '../lever';
import { CacheAccessMode } from '../runtime/cache-storage';

/** Checked by the SharedVolume factory that takes the mode. @internal */
export function requireReadWriteMany(factory: string, mode: CacheAccessMode | undefined, what: string): void {
  if (mode !== CacheAccessMode.READ_WRITE_MANY) {
    fail(factory, 'CS-IN-013', `${what} is ${mode ?? 'of an undeclared access mode'}, not ReadWriteMany: the loader Job and replicas on other nodes could not mount it`,
      'use a StorageClass that offers ReadWriteMany (NFS, CephFS, Filestore, EFS) with accessMode CacheAccessMode.READ_WRITE_MANY');
  }
}

/**
 * A ReadWriteMany claim sized for the weights.
 * @internal
 */
export function sharedClaim(
  scope: Construct,
  context: LeverContext,
  id: string,
  storageClassName: string | undefined,
  size: Size | undefined,
): ApiObject {
  const modelBytes = context.size.bytes;
  const bytes = size !== undefined ? positiveBytes('the shared volume size', size, (p, x) => fail(scope, 'CS-IN-016', p, x)) : volumeBytesFor(modelBytes);
  if (bytes < modelBytes) {
    fail(scope, 'CS-IN-016', `the shared volume size ${bytesToQuantity(bytes)} is below the model size ${bytesToQuantity(modelBytes)}`, `request at least ${bytesToQuantity(volumeBytesFor(modelBytes))}`);
  }
  return ManifestObject.render(scope, id, k8s.KubePersistentVolumeClaim, {
    metadata: { name: `${context.name}-hf-cache` },
    spec: {
      accessModes: ['ReadWriteMany'],
      storageClassName,
      resources: { requests: { storage: k8s.Quantity.fromString(bytesToQuantity(bytes)) } },
    },
  });
}
