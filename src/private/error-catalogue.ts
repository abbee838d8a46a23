/**
 * One entry per kind of input mistake. `rule` names the baseline rule that
 * guards the same invariant at synth time, when there is one: the
 * construction check then reuses the rule's id.
 * @internal
 */
export interface ErrorKind {
  readonly summary: string;
  readonly rule?: string;
}

/**
 * Every id `fail()` may throw, in README order. An id names one kind of
 * mistake; a new kind gets a new id, and a retired id is never given a new
 * meaning (see RETIRED_ERROR_IDS). README's "Errors" table is generated from
 * this (errors-markdown.ts).
 * @internal
 */
export const ERROR_CATALOGUE = {
  'CS-IMG-001': { rule: 'CS-IMG-001', summary: 'an image or modelcar not pinned by `@sha256:` digest (engine, modelcar, warm-buffer, pre-pull, pause and sleep-mode proxy images)' },
  'CS-SHM-001': { rule: 'CS-SHM-001', summary: 'a `/dev/shm` size that is not positive' },
  'CS-SHM-002': { rule: 'CS-SHM-002', summary: 'a memory limit below /dev/shm + engine + streamer buffer (includes a /dev/shm larger than the limit)' },
  'CS-RT-001': { rule: 'CS-RT-001', summary: '`gpuMemoryUtilization` that is not a fraction in (0, 1) (above 0.8 the synth-time rule applies, and it can be suppressed with a reason)' },
  'CS-IN-001': { summary: 'a model object name that is not a DNS-1035 label of at most 45 characters' },
  'CS-IN-002': { summary: 'a GPU count that is not an integer >= 1' },
  'CS-IN-003': { summary: 'a GPU toleration Kubernetes rejects (a value with `Exists`, an unknown operator or effect, a malformed key) or one with an empty key that tolerates every taint, without `tolerateEveryTaint`' },
  'CS-IN-004': { summary: 'a model priority that is not an integer in [0, 1000000000]' },
  'CS-IN-005': { summary: 'a streamer concurrency outside [1, 256], or a streamer memory limit that is not positive' },
  'CS-IN-006': { summary: 'a pod setting given two different values (by two levers, or by `engine.extraArgs`/`extraEnv` and a typed prop), or an extra arg that sets, in any spelling vLLM accepts, what a typed prop sets (`--model`, `--served-model-name`, `--port`, `--tensor-parallel-size`, `--gpu-memory-utilization`, `--enforce-eager`, `-O`/`--compilation-config`, `--enable-sleep-mode`, `--enable-lora`, `--max-loras`, `--max-lora-rank`, `--max-cpu-loras`, `--lora-modules`) or `--config`, or two API proxy images (`adapters.proxyImage` and `runtime.sleepMode.proxyImage`)' },
  'CS-IN-007': { summary: 'replica bounds that are not integers with 0 <= min <= max and 1 <= max <= 2^31-1 (an int32 field)' },
  'CS-IN-008': { summary: 'a ReadWriteOnce engine cache claim (HOME, `/home/vllm`) with `maxReplicas` above 1' },
  'CS-IN-009': { summary: 'a CPU count that is not a positive, finite number (`runtime.cpu`, GCS FUSE `sidecarCpuLimit`)' },
  'CS-IN-010': { summary: 'two models with different profiles in one app, each adding the baseline pack' },
  'CS-IN-011': { summary: 'a path inside a volume or bucket (`subPath`, `onlyDir`, `prefix`) that is absolute, has an empty, `.` or `..` segment or a trailing `/` (a Mountpoint `prefix` needs one), or holds white space, control characters or (in a mount option) a comma' },
  'CS-IN-012': { summary: 'a LocalModelCache `sourceModelUri` that does not equal or contain the model\'s storage URI' },
  'CS-IN-013': { summary: 'a shared weights volume that is not ReadWriteMany' },
  'CS-IN-014': { summary: 'a GKE or EKS accelerator (weight source, `capacity.gke`/`eks`, `imagePull.gke`/`eks`) with a profile of another cloud' },
  'CS-IN-015': { summary: 'a credential passed as a literal (a token or key as a Secret name or key, a user or password in a URL, a token or signed-URL parameter in a URI, a credential in `engine.extraEnv` or `engine.extraArgs`)' },
  'CS-IN-016': { summary: 'a cache or volume smaller than the model' },
  'CS-IN-017': { summary: 'a storage URI, object storage URI or endpoint URL that is malformed' },
  'CS-IN-018': { summary: 'a Hugging Face repository id or revision that is malformed (a revision with an empty, `.` or `..` segment or a trailing `/` included)' },
  'CS-IN-019': { summary: 'a node directory (`hostPath`, NVMe `path`) that is not an absolute path, climbs with `..`, or is (normalized) the node\'s root, a system location or a parent of one' },
  'CS-IN-020': { summary: 'a `servedModelName` that is empty or contains white space' },
  'CS-IN-021': { summary: 'a name of a Kubernetes object (claim, ServiceAccount, LocalModelCache, node group, VolumeSnapshot, ComputeClass, NodePool) that is not a valid DNS-1123 name' },
  'CS-IN-022': { summary: 'a Secret reference without a valid Secret name and key' },
  'CS-IN-024': { summary: 'two settings that need different service accounts for the model pod' },
  'CS-IN-025': { summary: 'an S3-only object storage option (`endpoint`, `region`, access keys) with a `gs://` URI' },
  'CS-IN-026': { summary: 'a region that is not a region id (`Cloud.*`, object storage, Mountpoint for S3)' },
  'CS-IN-027': { summary: 'a bucket name that is not a bare S3 or Cloud Storage bucket name' },
  'CS-IN-028': { summary: 'an EFS or FSx for Lustre setting that is malformed (file system id, `dnsName`, `mountName`, `directoryPerms`)' },
  'CS-IN-029': { summary: 'a Hyperdisk ML `throughputMiBps` that is not a positive integer' },
  'CS-IN-032': { summary: '`imagePull.gke` settings without `capacity.gke.computeClass`, which holds them' },
  'CS-IN-033': { summary: '`imagePull.eks` without `capacity.eks.nodePool`, whose EC2NodeClass holds the snapshot' },
  'CS-IN-034': { summary: 'a CapacityBuffer warm buffer on the generic cloud' },
  'CS-IN-035': { summary: 'a warm-buffer GPU shape that differs from the model\'s' },
  'CS-IN-036': { summary: 'a warm-buffer priority outside [-10, the model\'s priority)' },
  'CS-IN-037': { summary: 'a ComputeClass without a GPU rule, or a rule without a GPU type' },
  'CS-IN-038': { summary: 'an image snapshot id that is not `snap-` and 8 or 17 hex digits' },
  'CS-IN-039': { summary: 'a queued-provisioning count outside [1, 32]' },
  'CS-IN-040': { summary: 'a secondary boot disk image name that is not a Compute Engine image name' },
  'CS-IN-041': { summary: 'a Karpenter NodePool without instance types, node role or selector tags, or with a malformed AMI alias or empty capacity types' },
  'CS-IN-042': { summary: 'two options that exclude each other, both set (`capacity.priorityClassName` and `capacity.priority`; `machineFamily` and `machineType` of a ComputeClass rule; a LoadBalancer Service and a Deployment autoscaler)' },
  'CS-IN-043': { summary: 'an engine extra arg that is not `--flag` or `--flag=value`, is not a flag of vLLM\'s server, abbreviates one (vLLM would accept the prefix) or is ambiguous, gives a switch a value, or leaves out a value' },
  'CS-IN-044': { summary: 'a node-local cache or node-level helper (LocalModelCache NVMe volume, prefetch or pre-pull DaemonSet, hostPath cache) without a nodeSelector that targets the model\'s GPU nodes' },
  'CS-IN-045': { summary: 'a warm buffer with fewer than 1 replica, or more than 2^31-1 (an int32 field)' },
  'CS-IN-046': { summary: 'a ComputeClass rule with fewer GPUs per node than a replica needs' },
  'CS-IN-047': { summary: 'an image snapshot with a non-Bottlerocket AMI alias' },
  'CS-IN-048': { summary: 'a model size or parameter count that is not a positive, finite amount, or a precision that is not a `Precision`' },
  'CS-IN-050': { summary: 'the Deployment backend with weights that need KServe storage handling (modelcar, LocalModelCache)' },
  'CS-IN-051': { summary: 'a Knative `initialScale` below 0, or a `scaleDownDelay` outside 0 s to 1 h' },
  'CS-IN-053': { summary: 'a replica floor of 0 on a backend where nothing wakes the model when a request arrives (KServe Standard with HPA or KEDA, the Deployment backend)' },
  'CS-IN-054': { summary: 'the Deployment backend with `maxReplicas` above the floor (it has no autoscaler)' },
  'CS-IN-055': { summary: 'a `$(` or `$$` in `servedModelName` or `engine.extraArgs`, which the kubelet would rewrite (a `$(NAME)` becomes the value of env var NAME, a Secret\'s included)' },
  'CS-IN-056': { summary: 'a `Size` prop that is not a Size, or not a positive, finite amount (NaN, Infinity, zero) where no more specific id applies' },
  'CS-IN-057': { summary: 'a `Duration` prop that is not a Duration, or not a whole number of seconds in its range (`runtime.startupBudget` 1 s to 24 h, `consolidateAfter`, `maxRunDuration`)' },
  'CS-IN-058': { summary: 'a label key or value, env var name or extended resource name that the API server rejects (`gpu.nodeSelector`, `gpu.resourceName`, node group `nodeSelector`, `engine.extraEnv`)' },
  'CS-IN-059': { summary: 'a required prop or argument missing, or of another type (jsii callers and plain JavaScript can pass null): the model props, `engine`, `weights`, `size`, `gpu`, a factory\'s options' },
  'CS-IN-060': { summary: 'a KEDA HTTP add-on option that is not valid: a namespace, Service name, port, cluster domain, host (wildcards included), target concurrency or scale-down delay the cluster would reject or misroute' },
  'CS-IN-061': { summary: 'the KEDA HTTP add-on on a model whose in-cluster host name is unknown (a chart without a namespace) and no `hosts` given: the interceptor routes by the Host header across the cluster' },
  'CS-IN-062': { summary: 'a sleep-mode `extraRoutes` entry that is not an absolute, normalized path of plain characters, holds whitespace or a wildcard, or would forward a development or engine-state route (`/sleep`, `/wake_up`, LoRA loading, ...)' },
  'CS-IN-063': { summary: 'a LocalModelCache fallback fetch the engine image cannot do: a storage URI other than `hf://<owner>/<model>[:<revision>]`, `s3://` or `gs://`, or a Hugging Face token with an `s3://` or `gs://` URI' },
  'CS-IN-064': { summary: 'a LocalModelCache fallback `waitFor` that is not a whole number of seconds from 0 to 3600' },
  'CS-IN-065': { summary: 'a pre-warm schedule KEDA\'s cron scaler would reject or never apply: a cron expression that is not 5 valid fields (descriptors and `TZ=` refused), start equal to end, a window never open or whose start or end never fires, a time zone not in the IANA database or not spelled as there (case), a `HH:MM` time or day list that is not valid, a window that holds nothing' },
  'CS-IN-066': { summary: 'a pre-warm target that changes nothing or cannot hold: `replicas` not above `scaling.minReplicas` or above `scaling.maxReplicas`, `warmNodes` not above the standing warm buffer, either not an integer in [1, 2^31-1]' },
  'CS-IN-067': { summary: 'a pre-warm target no autoscaler can carry: `replicas` on KServe (Knative or Standard) or a Deployment without `kedaHttpAddOn`, `warmNodes` on a CapacityBuffer warm buffer' },
  'CS-IN-068': { summary: '`runtime.seedCompileCache` where the seed cannot hit: compile off (`-O0` or `--enforce-eager`), an engine cache that is not a persistent ReadWriteMany claim, or weights KServe mounts only into the InferenceService (modelcar, LocalModelCache)' },
  'CS-IN-069': { summary: '`WeightLoader.shardedState()` where no sharded checkpoint can be written or read: a source other than `WeightSource.huggingFace` (object storage, a claim or node disk the library does not write) or a single GPU' },
  'CS-IN-070': { summary: 'an estimate bandwidth that is not a positive rate' },
  'CS-IN-071': { summary: 'a non-positive `estimate.imageSize` or a negative `estimate.nodeProvisioning`' },
  'CS-IN-072': { summary: 'one weight path given twice in `estimate.bandwidths`' },
  'CS-IN-073': { summary: 'two loaders for one model: `options.streamer` beside `options.loader`, or `WeightLoader.fastsafetensors()` on a source it cannot read (object storage)' },
  'CS-IN-074': { summary: 'GPUDirect Storage asked for where it cannot be promised: an empty or invalid `gpuDirectStorageNodeSelector`, or a source that is not node-local' },
  'CS-IN-075': { summary: 'a LoRA `adapters` option that is not valid: a volume that is not an `AdapterVolume` (or a claim name or `subPath` Kubernetes rejects), an adapter name clients could not send or that is the served model name, an adapter directory that is not a plain relative path, `maxLoras`/`maxCpuLoras` outside [1, 1024] or `maxCpuLoras` below `maxLoras`, a `maxLoraRank` vLLM refuses, or no adapter at all (nothing preloaded, no loading on first use)' },
  'CS-IN-076': { summary: '`adapters.loadOnFirstUse` without a proxy in front (no `adapters.proxyImage`, no `runtime.sleepMode`): `VLLM_ALLOW_RUNTIME_LORA_UPDATING` registers `/v1/load_lora_adapter` on the API port' },
  'CS-IN-077': { summary: '`adapters.loadOnFirstUse` with an `engine.extraEnv` `VLLM_PLUGINS` that leaves out `lora_filesystem_resolver`: vLLM would never register the filesystem resolver' },
  'CS-IN-078': { summary: 'a GPU reservation the cloud would reject or never use: a GKE affinity without its `specific` list (or the reverse), a Spot rule with reservations, a name that is not a Compute Engine name, `reservations` beside `priorities`; a Karpenter reservation term that is not an id or tags, or reserved capacity without reservations (or the reverse)' },
  'CS-IN-079': { summary: 'SOCI parallel pull (`imagePull.eks.parallelPull`) that cannot work: beside an image snapshot, without a NodePool, on an AMI other than Bottlerocket >= 1.44.0, or with a count or chunk size Bottlerocket does not accept; or an `imagePull.eks` that sets nothing' },
  'CS-IN-082': { summary: 'a hostPath cache `sizeLimit` (`hostPathCache`, `prefetch`) that is not a positive Size, or smaller than the model it must keep' },
  'CS-IN-083': { summary: 'two models of one app whose hostPath cache directories are the same with different `sizeLimit`s, or nest: each would prune the other\'s downloads' },
  'CS-IN-084': { summary: 'an `estimate.storage` (WeightStorage) that is not valid: an unknown disk type or medium, a size or throughput that is not a positive Size, gp2 with a provisioned throughput, io2 without one' },
  'CS-IN-085': { summary: 'an `estimate.before` that is not a BeforeSetup, `estimate.storage` that is not a WeightStorage, or `estimate.layers` that is not a whole number from 1 to 1000' },
  'CS-IN-086': { summary: 'a Knative `initialScale` the autoscaler cannot apply: above 2^31-1 (Knative\'s webhook admits it, but its autoscaler reads an int32 and silently starts the cluster default instead), or above `scaling.maxReplicas` (the revision never reaches its initial scale, so it never becomes ready)' },
  'CS-IN-087': { summary: 'a Hyperdisk ML `throughputMiBps` outside what Compute Engine provisions for one volume (400 to 1,200,000 MiB/s): the CSI driver\'s disk creation fails and the claim stays Pending' },
  'CS-IN-088': { summary: 'an `engine.extraEnv` cache location (`XDG_CACHE_HOME`, `HF_HOME`, `TRITON_CACHE_DIR`, `TORCHINDUCTOR_CACHE_DIR`, ...) under `/root`, the image\'s HOME: the engine\'s non-root uid cannot write there, and a root engine would write to the container disk, empty at every wake' },
  'CS-IN-089': { summary: 'a `WeightSource.ebsSnapshot` that EBS or Karpenter would refuse: a snapshot id that is not one, throughput, IOPS or initialization rate outside gp3\'s range or throughput above 0.25 MiB/s per IOPS, a size below the model, both fastSnapshotRestore and an initialization rate' },
  'CS-IN-090': { summary: 'a `WeightSource.ebsSnapshot` without the EC2NodeClass that attaches its volume: no `capacity.eks.nodePool`, or an AMI other than Bottlerocket 1.34.0 or later' },
} as const satisfies Record<string, ErrorKind>;

/** @internal */
export type ErrorId = keyof typeof ERROR_CATALOGUE;

/**
 * Ids no longer thrown, and where their meaning went (null: the input is no
 * longer a mistake). Listed so that no
 * later kind reuses one: an app matching the old id must not catch a new mistake.
 * @internal
 */
export const RETIRED_ERROR_IDS: Readonly<Record<string, ErrorId | null>> = {
  'CS-IN-030': 'CS-IN-014', // capacity.gke outside GKE: the one wrong-cloud id
  'CS-IN-031': 'CS-IN-014', // capacity.eks outside EKS: the one wrong-cloud id
  'CS-IN-023': 'CS-IN-059', // a missing model size: refused by the model before any lever reads it
  'CS-IN-052': null, // sleep mode on KServe: accepted since the proxy owns the serving port in both modes
};

/** @internal */
export function isErrorId(id: string): id is ErrorId {
  return Object.prototype.hasOwnProperty.call(ERROR_CATALOGUE, id);
}
