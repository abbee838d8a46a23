import { Duration, Size } from 'cdk8s';
import { CacheStorage } from './cache-storage';
import { SleepModeOptions } from './sleep-mode';

/**
 * Options of compile-cache seeding.
 */
export interface CompileCacheSeedOptions {
  /**
   * How long the finished seeding Job is kept (for its logs) before
   * Kubernetes deletes it. A re-apply (Argo CD's next sync, say) creates it
   * again; that run finds its marker on the cache volume and exits at once,
   * but still schedules onto a GPU node for that moment.
   * @default Duration.days(1)
   */
  readonly ttlAfterFinished?: Duration;
}

/**
 * Lever 4 (runtime) knobs. Every default comes from the profile and the
 * facts the library is built on; each can be overridden here.
 */
export interface RuntimeOptions {
  /**
   * Size of the `/dev/shm` tmpfs (a Memory emptyDir with this sizeLimit).
   * Tensor parallelism needs it for NCCL; it counts against the pod memory
   * limit.
   * @default Size.gibibytes(16)
   */
  readonly shmSize?: Size;

  /**
   * Let NCCL use cuMem (`NCCL_CUMEM_ENABLE` unset). Only for systems that need
   * it (IMEX, GB200); elsewhere `NCCL_CUMEM_ENABLE=0` with the tmpfs is the
   * known-good pair against NCCL init hangs.
   * @default false (the library sets NCCL_CUMEM_ENABLE=0)
   */
  readonly ncclCumemEnabled?: boolean;

  /**
   * Storage behind the engine's HOME (`/home/vllm`): the compile cache and every other cache the engine writes.
   * @default - `CacheStorage.emptyDir()` in lab, `CacheStorage.persistentVolumeClaim()` in production
   */
  readonly cache?: CacheStorage;

  /**
   * `--gpu-memory-utilization`, a fraction in (0, 1). Above 0.8 rule CS-RT-001
   * fails synth unless suppressed with a reason: vLLM's own default (0.9)
   * leaves too little headroom for a second process or fragmentation on wake.
   * @default 0.6
   */
  readonly gpuMemoryUtilization?: number;

  /**
   * `--enforce-eager`: skip CUDA graph capture for a faster wake at some
   * steady-state cost.
   * @default - true in lab, false in production
   */
  readonly enforceEager?: boolean;

  /**
   * Time the startup probe allows from container start to `/health`.
   * @default - twice the expected startup for the model size, at least 5 minutes
   */
  readonly startupBudget?: Duration;

  /**
   * Host RAM of the engine processes (API server, engine core, one worker per
   * GPU). It can only be raised: rule CS-SHM-002 holds every vLLM pod to the
   * default.
   * @default - 8 GiB plus 2 GiB for each GPU after the first
   */
  readonly engineMemory?: Size;

  /**
   * The container memory request and limit. It must cover shm + engine
   * memory + the streamer buffer.
   * @default - exactly that sum
   */
  readonly memoryLimit?: Size;

  /**
   * CPU cores requested (and limited to).
   * @default - 4 per GPU
   */
  readonly cpu?: number;

  /**
   * Turn the pod Ready only after one real completion (`max_tokens: 1`
   * against the served model name on 127.0.0.1) has succeeded: the startup
   * probe runs it, so the first client request never pays for the first
   * forward pass. Off, the startup probe is `GET /health`.
   * @default true
   */
  readonly warmup?: boolean;

  /**
   * Let vLLM compile the model with torch.compile at startup (its default
   * optimization level). Off writes `-O0`, vLLM's "start immediately" level:
   * no torch.compile and no CUDA graph capture (vLLM >= 0.12; earlier
   * releases also leave graphs off with compile level 0), a faster wake at a
   * steady-state cost. The estimate charges neither.
   * @default - false in lab (`-O0`), true in production
   */
  readonly compile?: boolean;

  /**
   * vLLM sleep mode: `--enable-sleep-mode` with `VLLM_SERVER_DEV_MODE=1`, for
   * a pod that stays up while its GPU memory is released (`POST /sleep`) and
   * reclaimed (`POST /wake_up`) in seconds. The engine then listens on
   * 127.0.0.1 only and a path-filtering proxy serves the model's port, so the
   * sleep and wake endpoints are never reachable through the Service. Level 1
   * keeps the weights in host RAM: the memory budget grows by the weight size.
   * Works on every backend; with KServe Knative the cluster must enable
   * `multi-container-probing` (the engine keeps its own probes beside the proxy).
   * @default - off
   */
  readonly sleepMode?: SleepModeOptions;

  /**
   * Run the engine as root, the image's own user, instead of uid 1000. For
   * an image that cannot run as another uid (one that installs Python under
   * `/root`, as vLLM v0.8.1's did). The pod then meets Pod Security's
   * `baseline` level, not `restricted`, and the model suppresses CS-SEC-004
   * on its workload with this reason.
   * @default false
   */
  readonly runAsRoot?: boolean;

  /**
   * Seed the compile cache before the first wake. vLLM keys its
   * torch.compile artifacts by a hash of the engine config, the traced model
   * code and the compiler (torch, GPU) under
   * `$VLLM_CACHE_ROOT/torch_compile_cache/<hash>/rank_<r>_<dp>`; a one-time
   * Job runs this model's own pod (same image digest, flags, env, GPUs, nodes)
   * until `/health` answers, which vLLM does only after compiling, then
   * exits. The model is created after it (cdk8s dependencies, Argo CD sync
   * waves) and its first wake loads the artifacts instead of compiling. CUDA
   * graphs are not cached by vLLM: every start still captures them. Needs
   * compile on (production's default) and an engine cache that pods on other
   * nodes can mount: `CacheStorage.persistentVolumeClaim({ accessMode:
   * CacheAccessMode.READ_WRITE_MANY })` or an existing ReadWriteMany claim.
   * The Job holds the model's GPUs while it runs.
   * @default - off
   */
  readonly compileCacheSeed?: CompileCacheSeedOptions;
}
