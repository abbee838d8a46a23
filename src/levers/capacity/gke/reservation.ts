import { Construct } from 'constructs';
import type { ComputeClassSpecPrioritiesReservations } from '../../../../imports/gke-computeclass-cloud.google.com';
import { crds } from '../../../private/crds';
import { fail } from '../../../private/errors';

/**
 * Which Compute Engine reservations a ComputeClass rule's nodes consume
 * (`priorities[].reservations.affinity`, ComputeClass CRD cloud.google.com/v1).
 */
export enum GkeReservationAffinity {
  /** Only the reservations listed in `specific`; no fallback within the rule. */
  SPECIFIC = 'Specific',
  /** Any matching non-specific reservation, else an ordinary on-demand node. */
  ANY_BEST_EFFORT = 'AnyBestEffort',
  /** Any matching non-specific reservation, else the node is not created. */
  ANY_THEN_FAIL = 'AnyThenFail',
}

/**
 * One named Compute Engine reservation a rule consumes.
 */
export interface GkeSpecificReservation {
  /**
   * Name of the reservation.
   */
  readonly name: string;

  /**
   * Project that owns the reservation (a shared reservation).
   * @default - the cluster's project
   */
  readonly project?: string;

  /**
   * Block of the reservation to consume (A3 Ultra, A4 and the like).
   * @default - any block
   */
  readonly reservationBlock?: string;

  /**
   * Sub-block of `reservationBlock` to consume.
   * @default - any sub-block
   */
  readonly reservationSubBlock?: string;

  /**
   * Zones where the reservation is consumed.
   * @default - the reservation's zones
   */
  readonly zones?: string[];
}

/**
 * Reservations a GKE ComputeClass rule consumes (lever 3): the GPUs a wake
 * needs are held for the model instead of raced for in a zone that may be out
 * of them.
 */
export interface GkeReservationOptions {
  /**
   * Which reservations the nodes consume.
   * @default - GkeReservationAffinity.SPECIFIC when `specific` is set, else GkeReservationAffinity.ANY_BEST_EFFORT
   */
  readonly affinity?: GkeReservationAffinity;

  /**
   * The reservations, for GkeReservationAffinity.SPECIFIC (and only then).
   * @default - none
   */
  readonly specific?: GkeSpecificReservation[];
}

/** A Compute Engine resource name (RFC 1035 label, 1-63 characters). */
const GCE_NAME = /^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$/;
/** A project id: 6-30 characters, starting with a letter. */
const PROJECT = /^[a-z][-a-z0-9]{4,28}[a-z0-9]$/;
const ZONE = /^[a-z]+-[a-z]+[0-9]+-[a-z]$/;

/**
 * Checks the options against the ComputeClass CRD's CEL rules (SPECIFIC needs
 * `specific`, `specific` needs SPECIFIC) and Compute Engine's name rules, and
 * returns the rule's `reservations` block.
 * @internal
 */
export function resolveReservations(scope: Construct, o: GkeReservationOptions, where: string): ComputeClassSpecPrioritiesReservations {
  const bad = (problem: string, fix: string): never => fail(scope, 'CS-IN-078', `${where}: ${problem}`, fix);
  const specific = o.specific ?? [];
  const affinity = o.affinity ?? (specific.length ? GkeReservationAffinity.SPECIFIC : GkeReservationAffinity.ANY_BEST_EFFORT);
  if (!Object.values(GkeReservationAffinity).includes(affinity)) {
    bad(`affinity "${affinity}" is not a GkeReservationAffinity`, 'use GkeReservationAffinity.SPECIFIC, ANY_BEST_EFFORT or ANY_THEN_FAIL');
  }
  if (affinity === GkeReservationAffinity.SPECIFIC && !specific.length) {
    bad('affinity Specific without a reservation in `specific`, which the ComputeClass CRD rejects', 'list the reservations in `specific`, or use GkeReservationAffinity.ANY_BEST_EFFORT');
  }
  if (affinity !== GkeReservationAffinity.SPECIFIC && specific.length) {
    bad(`\`specific\` reservations with affinity ${affinity}, which the ComputeClass CRD rejects`, 'use GkeReservationAffinity.SPECIFIC, or remove `specific`');
  }
  const { ComputeClassSpecPrioritiesReservationsAffinity: Affinity } = crds.computeClass();
  const affinityValue = {
    [GkeReservationAffinity.SPECIFIC]: Affinity.SPECIFIC,
    [GkeReservationAffinity.ANY_BEST_EFFORT]: Affinity.ANY_BEST_EFFORT,
    [GkeReservationAffinity.ANY_THEN_FAIL]: Affinity.ANY_THEN_FAIL,
  }[affinity];
  const seen = new Set<string>();
  return {
    affinity: affinityValue,
    specific: specific.length ? specific.map((r, i) => {
      if (!GCE_NAME.test(r.name ?? '')) bad(`reservation ${i} name "${r.name ?? ''}" is not a Compute Engine name`, 'use the reservation\'s name: lower-case letters, digits and dashes, starting with a letter');
      if (r.project !== undefined && !PROJECT.test(r.project)) bad(`reservation "${r.name}" project "${r.project}" is not a project id`, 'use the id of the project that owns the reservation, e.g. "my-project"');
      const key = `${r.project ?? ''}/${r.name}/${r.reservationBlock ?? ''}/${r.reservationSubBlock ?? ''}`;
      if (seen.has(key)) bad(`reservation "${r.name}" is listed twice`, 'list each reservation once');
      seen.add(key);
      if (r.reservationBlock !== undefined && !GCE_NAME.test(r.reservationBlock)) bad(`reservation "${r.name}" block "${r.reservationBlock}" is not a Compute Engine name`, 'use the block\'s name');
      if (r.reservationSubBlock !== undefined) {
        if (r.reservationBlock === undefined) bad(`reservation "${r.name}" has a sub-block without a block`, 'set reservationBlock too');
        if (!GCE_NAME.test(r.reservationSubBlock)) bad(`reservation "${r.name}" sub-block "${r.reservationSubBlock}" is not a Compute Engine name`, 'use the sub-block\'s name');
      }
      if (r.zones !== undefined && (!r.zones.length || r.zones.some(z => !ZONE.test(z)))) {
        bad(`reservation "${r.name}" zones [${r.zones.join(', ')}] is empty or holds a name that is not a zone`, 'list zones like "us-central1-a", or leave zones unset');
      }
      return {
        name: r.name,
        project: r.project,
        reservationBlock: r.reservationBlock === undefined ? undefined : {
          name: r.reservationBlock,
          reservationSubBlock: r.reservationSubBlock === undefined ? undefined : { name: r.reservationSubBlock },
        },
        zones: r.zones ? [...r.zones] : undefined,
      };
    }) : undefined,
  };
}
