// The public API, named one by one: nothing under src/private/ and nothing
// marked @internal is exported.

// The model and its inputs
export { ColdStartOptimizedModel } from './model';
export type { ColdStartOptimizedModelProps, ScalingOptions } from './model';
export { ModelSize, Precision } from './model-size';
export { Cloud, CloudProvider, Environment, Profile } from './profile';
export type { CloudOptions, ProfileOptions } from './profile';
export { TolerationEffect, TolerationOperator } from './gpu';
export type { GpuOptions, GpuToleration } from './gpu';
export { Engine } from './engine';
export type { VllmEngineOptions } from './engine';

// Backends
export { Backend } from './backends/backend';
export { KnativeFeature } from './backends/kserve-knative';
export type { KServeKnativeOptions } from './backends/kserve-knative';
export { StandardAutoscaler } from './backends/kserve-standard';
export type { KServeStandardOptions } from './backends/kserve-standard';
export { ModelServiceType } from './backends/deployment';
export type { DeploymentBackendOptions } from './backends/deployment';
export { DeploymentAutoscaler } from './backends/deployment-autoscaler';
export type { KedaHttpAddOnOptions } from './backends/deployment-autoscaler';

// Lever 1: weight load
export { WeightSource } from './levers/weights/weight-source';
export type { ExistingClaimOptions, ModelcarOptions } from './levers/weights/weight-source';
export type { StreamerOptions } from './levers/weights/streamer';
export { WeightLoader } from './levers/weights/loader';
export type { FastSafetensorsOptions, ShardedStateOptions } from './levers/weights/loader';
export type { SecretKeyReference } from './levers/weights/secret-reference';
export type { HuggingFaceRepo } from './levers/weights/hugging-face';
export { SharedVolume } from './levers/weights/shared-volume';
export type { ExistingSharedClaimOptions, SharedClaimOptions } from './levers/weights/shared-volume';
export type { HuggingFaceVolumeOptions } from './levers/weights/hugging-face-volume';
export { ObjectStorageCredentials } from './levers/weights/object-storage';
export type { ObjectStorageKeysOptions, ObjectStorageOptions } from './levers/weights/object-storage';
export { CacheNodeGroup, LocalModelCacheScope } from './levers/weights/local-model-cache';
export { LocalModelCacheFallback } from './levers/weights/local-model-cache-fallback';
export type { LocalModelCacheFetchOptions } from './levers/weights/local-model-cache-fallback';
export type { LocalModelCacheOptions, LocalNvmeNodeGroupOptions } from './levers/weights/local-model-cache';
export type { HostPathCacheOptions } from './levers/weights/hostpath-cache';
export type { PrefetchOptions } from './levers/weights/prefetch';
export type { GcsFuseOptions } from './levers/weights/gke/gcs-fuse';
export type { HyperdiskMlOptions } from './levers/weights/gke/hyperdisk-ml';
export type { EfsVolumeOptions } from './levers/weights/eks/efs';
export type { FsxLustreOptions } from './levers/weights/eks/fsx-lustre';
export type { MountpointS3Options } from './levers/weights/eks/mountpoint-s3';
export type { EbsSnapshotOptions } from './levers/weights/eks/ebs-snapshot';

// Lever 2: image pull
export type { EksImagePullOptions, GkeImagePullOptions, ImagePullOptions, SecondaryBootDisk, SociParallelPullOptions } from './levers/image/image-pull-options';

// Lever 3: node capacity
export type { CapacityOptions, EksCapacityOptions, GkeCapacityOptions } from './levers/capacity/capacity-options';
export { WarmBufferMode } from './levers/capacity/warm-buffer';
export { PreWarmSchedule, Weekday } from './levers/capacity/pre-warm';
export type { CronPreWarmOptions, DailyPreWarmOptions, PreWarmTargets, PreWarmWindow } from './levers/capacity/pre-warm';
export type { WarmBufferOptions } from './levers/capacity/warm-buffer';
export type { ComputeClassPriority, GkeComputeClassOptions } from './levers/capacity/gke/compute-class';
export type { QueuedProvisioningOptions } from './levers/capacity/gke/provisioning-request';
export { KarpenterCapacityType } from './levers/capacity/eks/karpenter-node-pool';
export type { Ec2CapacityReservationTerm, KarpenterNodePoolOptions } from './levers/capacity/eks/karpenter-node-pool';
export { GkeReservationAffinity } from './levers/capacity/gke/reservation';
export type { GkeReservationOptions, GkeSpecificReservation } from './levers/capacity/gke/reservation';

// Lever 4: runtime
export type { CompileCacheSeedOptions, RuntimeOptions } from './levers/runtime/runtime-options';
export type { SleepModeOptions } from './levers/runtime/sleep-mode';
export { AdapterVolume } from './levers/runtime/lora-adapters';
export type { AdapterClaimOptions, LoraAdaptersOptions } from './levers/runtime/lora-adapters';
export { CacheAccessMode, CacheStorage } from './levers/runtime/cache-storage';
export type { EmptyDirCacheOptions, PersistentCacheOptions } from './levers/runtime/cache-storage';

// Cold-start estimate
export { CapacityArrival, ImageArrival, WeightPath } from './estimate/paths';
export type { BandwidthOverride, ColdStartEstimate, EstimateOptions, SecondsRange } from './estimate/estimate-options';
export { BeforeSetup } from './estimate/before';
export { EbsVolumeType, PersistentDiskType, StorageMedium, WeightStorage } from './estimate/storage';
export { ColdStartReport, ReportPictures } from './estimate/cold-start-report';
export type { ColdStartReportOptions } from './estimate/cold-start-report';

// Rules
export { Aspects } from './aspects/aspects';
export type { IAspect } from './aspects/aspects';
export { RuleSuppressions } from './aspects/suppressions';
export type { RuleSuppression } from './aspects/suppressions';
export { ColdStartBaseline } from './packs/baseline';
export type { ColdStartBaselineProps } from './packs/baseline';
export { Rule, RuleContext, RuleLevel } from './rules/rule';
export type { RuleContextProps, RuleProps, Violation } from './rules/rule';
export { RulePack } from './packs/rule-pack';
export type { RulePackProps } from './packs/rule-pack';
export { Findings } from './aspects/findings';
export type { Finding } from './aspects/findings';

// Errors
export { ColdStartError, ColdStartErrors } from './errors';

// The rules as a cdk8s CLI validation plugin
export { ColdStartValidation } from './plugin/validation';
export type { ColdStartValidationProps } from './plugin/validation';
