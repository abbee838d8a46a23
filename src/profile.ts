import { requireRegion } from './private/region';

/**
 * Where the model runs: a lab idles at zero and favours fast wakes; production
 * keeps a replica floor and persistent caches.
 */
export enum Environment {
  /** Scale to zero (on a backend that can wake the model: Knative), `--enforce-eager`, throwaway caches. */
  LAB = 'lab',
  /** A replica floor, CUDA graphs, persistent engine cache (HOME). */
  PRODUCTION = 'production',
}

/**
 * The cloud a profile may use accelerators from.
 */
export enum CloudProvider {
  /** Any conformant cluster: only the cloud-agnostic baseline is emitted. */
  GENERIC = 'generic',
  /** Google Kubernetes Engine. */
  GKE = 'gke',
  /** Amazon Elastic Kubernetes Service. */
  EKS = 'eks',
}

/**
 * Options for a cloud.
 */
export interface CloudOptions {
  /**
   * The region the cluster runs in (e.g. `us-central1`, `us-east-1`); used to
   * check that registries and buckets are in-region.
   * @default - no region checks
   */
  readonly region?: string;
}

/**
 * The cloud whose accelerators a profile may use. A generic cloud never gets a
 * cloud-specific object, annotation, label, CSI driver or storage class.
 */
export class Cloud {
  /** Any conformant Kubernetes cluster. */
  public static generic(options: CloudOptions = {}): Cloud {
    options = options ?? {}; // jsii callers can pass null
    return new Cloud(CloudProvider.GENERIC, options.region);
  }

  /** Google Kubernetes Engine: GKE accelerators become available. */
  public static gke(options: CloudOptions = {}): Cloud {
    options = options ?? {}; // jsii callers can pass null
    return new Cloud(CloudProvider.GKE, options.region);
  }

  /** Amazon EKS: EKS accelerators become available. */
  public static eks(options: CloudOptions = {}): Cloud {
    options = options ?? {}; // jsii callers can pass null
    return new Cloud(CloudProvider.EKS, options.region);
  }

  private constructor(
    /** The provider. */
    public readonly provider: CloudProvider,
    /** The region, when one is set. */
    public readonly region?: string,
  ) {
    if (region !== undefined) requireRegion(`Cloud.${provider}`, region, 'region');
  }
}

/**
 * Options for a profile.
 */
export interface ProfileOptions {
  /**
   * The cloud whose accelerators may be used.
   * @default Cloud.generic()
   */
  readonly cloud?: Cloud;
}

/**
 * Environment x cloud: every default that differs between a lab and
 * production, or between clouds, is read from here.
 */
export class Profile {
  /** A lab: scales to zero where the backend can wake the model (Knative), eager mode, throwaway caches. */
  public static lab(options: ProfileOptions = {}): Profile {
    options = options ?? {}; // jsii callers can pass null
    return new Profile(Environment.LAB, options.cloud ?? Cloud.generic());
  }

  /** Production: a replica floor, CUDA graphs, persistent caches. */
  public static production(options: ProfileOptions = {}): Profile {
    options = options ?? {}; // jsii callers can pass null
    return new Profile(Environment.PRODUCTION, options.cloud ?? Cloud.generic());
  }

  private constructor(
    /** The environment. */
    public readonly environment: Environment,
    /** The cloud. */
    public readonly cloud: Cloud,
  ) {}

  /** True in production. */
  public get isProduction(): boolean {
    return this.environment === Environment.PRODUCTION;
  }
}
