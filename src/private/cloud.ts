import { IConstruct } from 'constructs';
import { fail } from './errors';
import { CloudProvider, Profile } from '../profile';

/**
 * An accelerator outside its cloud is a construction error, never a silent
 * no-op. One check for every lever (weights, node capacity, image pull), so
 * the mistake has one id and one wording.
 * @param what the option, e.g. `WeightSource.gcsFuse` or `capacity.eks (Karpenter NodePool)`
 * @param otherwise the other way out, e.g. `remove capacity.eks`
 * @internal
 */
export function requireCloud(scope: IConstruct, profile: Profile, cloud: CloudProvider, what: string, otherwise: string): void {
  const actual = profile.cloud.provider;
  if (actual !== cloud) {
    const [accelerator, factory] = cloud === CloudProvider.GKE ? ['a GKE', 'Cloud.gke({ region })'] : ['an EKS', 'Cloud.eks({ region })'];
    fail(scope, 'CS-IN-014', `${what} is ${accelerator} accelerator, but the profile's cloud is ${actual}`,
      `use Profile.production({ cloud: ${factory} }) (or Profile.lab) when the cluster runs on ${cloud}, or ${otherwise}`);
  }
}
