/* eslint-disable @typescript-eslint/no-require-imports -- each CRD module loads when a lever first renders its kind (see below) */
import type * as CapacityBufferModule from '../../imports/capacitybuffer-autoscaling.x-k8s.io';
import type * as ComputeClassModule from '../../imports/gke-computeclass-cloud.google.com';
import type * as Ec2NodeClassModule from '../../imports/karpenter-ec2nodeclass-karpenter.k8s.aws';
import type * as NodePoolModule from '../../imports/karpenter-nodepool-karpenter.sh';
import type * as InterceptorRouteModule from '../../imports/keda-http-interceptorroute-http.keda.sh';
import type * as ScaledObjectModule from '../../imports/keda-scaledobject-keda.sh';
import type * as LocalModelCacheModule from '../../imports/kserve-localmodelcache-serving.kserve.io';
import type * as LocalModelNamespaceCacheModule from '../../imports/kserve-localmodelnamespacecache-serving.kserve.io';
import type * as LocalModelNodeGroupModule from '../../imports/kserve-localmodelnodegroup-serving.kserve.io';
import type * as ProvisioningRequestModule from '../../imports/provisioningrequest-autoscaling.x-k8s.io';

/**
 * The generated CRD modules, each loaded when a lever first renders its kind.
 * Most apps render none of them, and an app run from source (`cdk8s synth`
 * with ts-node) pays a transpile for every module loaded: 0.1 to 0.6 s each,
 * about 1 s for these together. Types come from `import type`, which costs
 * nothing at run time. (The InferenceService import, 5 MB, is never loaded:
 * see `INFERENCE_SERVICE_GVK`.)
 * @internal
 */
export const crds = {
  capacityBuffer: (): typeof CapacityBufferModule => require('../../imports/capacitybuffer-autoscaling.x-k8s.io'),
  computeClass: (): typeof ComputeClassModule => require('../../imports/gke-computeclass-cloud.google.com'),
  ec2NodeClass: (): typeof Ec2NodeClassModule => require('../../imports/karpenter-ec2nodeclass-karpenter.k8s.aws'),
  nodePool: (): typeof NodePoolModule => require('../../imports/karpenter-nodepool-karpenter.sh'),
  localModelCache: (): typeof LocalModelCacheModule => require('../../imports/kserve-localmodelcache-serving.kserve.io'),
  localModelNamespaceCache: (): typeof LocalModelNamespaceCacheModule => require('../../imports/kserve-localmodelnamespacecache-serving.kserve.io'),
  localModelNodeGroup: (): typeof LocalModelNodeGroupModule => require('../../imports/kserve-localmodelnodegroup-serving.kserve.io'),
  provisioningRequest: (): typeof ProvisioningRequestModule => require('../../imports/provisioningrequest-autoscaling.x-k8s.io'),
  interceptorRoute: (): typeof InterceptorRouteModule => require('../../imports/keda-http-interceptorroute-http.keda.sh'),
  scaledObject: (): typeof ScaledObjectModule => require('../../imports/keda-scaledobject-keda.sh'),
};
