import { RulePack } from './rule-pack';
import { CloudProvider, Environment } from '../profile';
import { BASELINE_RULES } from '../rules';

/**
 * Props of the baseline pack.
 */
export interface ColdStartBaselineProps {
  /**
   * The cloud the app targets: with `GENERIC`, any cloud-specific object or
   * key is an error (CS-PRF-001).
   * @default CloudProvider.GENERIC
   */
  readonly cloud?: CloudProvider;

  /**
   * The environment: production also requires a persistent cache (CS-RT-003).
   * @default Environment.LAB
   */
  readonly environment?: Environment;

  /**
   * The cluster's region: images from a regional registry elsewhere are
   * reported (CS-IMG-003).
   * @default - no region checks
   */
  readonly region?: string;
}

/**
 * The baseline cold-start rules (see RULES.md) as a rule pack. It judges every
 * ApiObject under the scope it is added to: ours, cdk8s-plus workloads, raw
 * ApiObjects and Included YAML alike.
 *
 * @example
 * Aspects.of(app).add(new ColdStartBaseline({ environment: Environment.PRODUCTION }));
 */
export class ColdStartBaseline extends RulePack {
  constructor(props: ColdStartBaselineProps = {}) {
    super({ rules: [...BASELINE_RULES], cloud: props.cloud, environment: props.environment, region: props.region });
  }
}
