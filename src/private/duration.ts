import { Duration } from 'cdk8s';
import { Refuse } from './size';

/**
 * Whole seconds of a Duration prop the user gave, in [min, max]; `refuse`
 * for what is not a Duration (jsii callers can pass anything), NaN, Infinity,
 * a fraction of a second, or a value out of range. cdk8s' own conversion
 * throws without a construct path.
 * @internal
 */
export function wholeSeconds(prop: string, duration: unknown, min: number, max: number, refuse: Refuse): number {
  const d = duration as Duration | undefined;
  if (typeof d?.toMilliseconds !== 'function') {
    refuse(`${prop} is not a Duration`, `pass a cdk8s Duration, e.g. Duration.minutes(${Math.max(1, Math.ceil(min / 60))})`);
  }
  // toMilliseconds never throws on a whole number of seconds; NaN/Infinity/fractions are caught below.
  let ms: number;
  try {
    ms = d.toMilliseconds();
  } catch {
    ms = NaN;
  }
  const seconds = ms / 1000;
  if (!(Number.isInteger(seconds) && seconds >= min && seconds <= max)) {
    const given = Number.isFinite(seconds) ? `${seconds} s` : d.toHumanString() || 'NaN';
    refuse(`${prop} ${given} is not a whole number of seconds between ${min} and ${max}`,
      `pass a Duration of whole seconds from ${min} to ${max} s, e.g. Duration.minutes(${Math.max(1, Math.min(10, Math.floor(max / 60)))})`);
  }
  return seconds;
}
