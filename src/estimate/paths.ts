/**
 * How the weights reach the engine at wake. Each path has a default bandwidth
 * in the cold-start estimate.
 */
export enum WeightPath {
  /** An OCI modelcar image: pulled like any image, then read from node-local disk. */
  OCI_MODELCAR = 'oci-modelcar',
  /** Downloaded from the Hugging Face Hub at every start (the slow case to avoid). */
  HF_HUB = 'hf-hub',
  /** A generic shared ReadWriteMany volume (NFS and the like). */
  SHARED_VOLUME = 'shared-volume',
  /** Streamed from object storage (`s3://`, `gs://`) by the Run:ai streamer. */
  OBJECT_STORAGE = 'object-storage',
  /** Node-local NVMe (KServe LocalModelCache, hostPath cache, prefetch). */
  LOCAL_NVME = 'local-nvme',
  /** Already in the node's page cache. */
  PAGE_CACHE = 'page-cache',
  /** Amazon EFS. */
  EFS = 'efs',
  /** Amazon FSx for Lustre. */
  FSX_LUSTRE = 'fsx-lustre',
  /** Mountpoint for Amazon S3. */
  MOUNTPOINT_S3 = 'mountpoint-s3',
  /** GKE Hyperdisk ML (ReadOnlyMany). */
  HYPERDISK_ML = 'hyperdisk-ml',
  /** Cloud Storage FUSE with its file cache. */
  GCS_FUSE = 'gcs-fuse',
  /** An EBS volume each new node restores from a snapshot (Karpenter block device, read through a hostPath). */
  EBS_SNAPSHOT = 'ebs-snapshot',
}

/**
 * How the engine image reaches the node at wake.
 */
export enum ImageArrival {
  /** Pulled from the registry on a node that does not have it. */
  REGISTRY = 'registry',
  /** Already on the node (pre-pull DaemonSet). */
  PRE_PULLED = 'pre-pulled',
  /** Lazily streamed (GKE image streaming). */
  STREAMED = 'streamed',
  /** From a disk snapshot or secondary boot disk that holds the image. */
  SNAPSHOT = 'snapshot',
}

/**
 * How node capacity (a GPU node) arrives at wake (lever 3).
 */
export enum CapacityArrival {
  /** A new node is provisioned (minutes). */
  COLD_NODE = 'cold-node',
  /** A warm buffer holds a node: the model preempts a pause pod. */
  WARM_BUFFER = 'warm-buffer',
}

/**
 * The weight loader, as the estimate sees it, when it is not the Run:ai
 * streamer (told by the streamer's concurrency).
 * @internal
 */
export enum LoaderFact {
  /** vLLM's default safetensors loader (mmap). */
  DEFAULT = 'default',
  /** vLLM's sharded state: each rank reads only its own files (with the streamer when its concurrency is set). */
  SHARDED_STATE = 'sharded-state',
  /** fastsafetensors without GPUDirect Storage (its host-memory path). */
  FASTSAFETENSORS = 'fastsafetensors',
  /** fastsafetensors on nodes with GPUDirect Storage. */
  FASTSAFETENSORS_GDS = 'fastsafetensors-gds',
}
