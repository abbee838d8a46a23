import { fail } from '../../private/errors';
import { INT32_MAX } from '../../private/k8s-names';

/**
 * A day of the week, for {@link PreWarmSchedule.daily}.
 */
export enum Weekday {
  MONDAY = 'mon',
  TUESDAY = 'tue',
  WEDNESDAY = 'wed',
  THURSDAY = 'thu',
  FRIDAY = 'fri',
  SATURDAY = 'sat',
  SUNDAY = 'sun',
}

/**
 * What a pre-warm window holds while it is open. Give `replicas`,
 * `warmNodes` or both.
 */
export interface PreWarmTargets {
  /**
   * The model's replica floor while the window is open: that many replicas
   * run, loaded and Ready, so a request in the window meets no cold start.
   * Above `scaling.minReplicas` and at most `scaling.maxReplicas`. Needs an
   * autoscaler the library writes the triggers of:
   * `Backend.deployment({ autoscaler: DeploymentAutoscaler.kedaHttpAddOn() })`.
   * @default - the floor stays `scaling.minReplicas`
   */
  readonly replicas?: number;

  /**
   * Copies of the model's GPU shape the warm buffer holds while the window is
   * open (pause pods, each a node-sized slot). A wake then skips node
   * provisioning, but still pulls what is not on the node and loads the
   * weights. Above `capacity.warmBuffer.replicas` when the buffer is on; with
   * the buffer off, the buffer exists in the window only. Works with every
   * backend; needs `WarmBufferMode.PAUSE_PODS`.
   * @default - the warm buffer keeps its size
   */
  readonly warmNodes?: number;
}

/**
 * One window of a cron pre-warm schedule: KEDA's cron scaler holds the
 * targets from each `start` until the next `end`.
 */
export interface PreWarmWindow extends PreWarmTargets {
  /**
   * When the window opens: a cron expression of 5 fields (minute, hour, day
   * of month, month, day of week; `*`, `?`, lists, ranges, steps, and the
   * names `jan`-`dec` and `sun`-`sat`), in the schedule's time zone.
   * Descriptors (`@daily`) and a `TZ=` prefix are refused: KEDA's cron
   * scaler does not take them.
   */
  readonly start: string;

  /**
   * When the window closes, in the same form as `start`, and not equal to it.
   */
  readonly end: string;
}

/**
 * Options of {@link PreWarmSchedule.cron}.
 */
export interface CronPreWarmOptions {
  /**
   * IANA time zone the cron expressions are read in, e.g. `Europe/Paris`:
   * the window follows its daylight-saving changes.
   */
  readonly timeZone: string;

  /**
   * The windows (1 to 20). Where windows overlap, the larger target holds
   * (KEDA scales to the largest of its triggers).
   */
  readonly windows: PreWarmWindow[];
}

/**
 * Options of {@link PreWarmSchedule.daily}.
 */
export interface DailyPreWarmOptions extends PreWarmTargets {
  /**
   * IANA time zone of `start` and `end`, e.g. `America/New_York`: the window
   * follows its daylight-saving changes.
   */
  readonly timeZone: string;

  /**
   * Time of day the window opens, `HH:MM` (24-hour clock). Open it before the
   * peak by the model's cold start: a replica it starts is Ready that much
   * later (the cold-start report gives the figure).
   */
  readonly start: string;

  /**
   * Time of day the window closes, `HH:MM`. Earlier than `start` closes it
   * the next day (a window across midnight).
   */
  readonly end: string;

  /**
   * Days the window opens on. A window across midnight closes on the next day.
   * @default - every day
   */
  readonly days?: Weekday[];
}

/** One window as KEDA's cron trigger takes it, with the minutes it is open in the reference year. @internal */
export interface ResolvedPreWarmWindow {
  readonly start: string;
  readonly end: string;
  readonly replicas?: number;
  readonly warmNodes?: number;
  /** 1 for each minute of the reference 52 weeks the window is open (wall clock). */
  readonly open: Uint8Array;
  /** Open hours per week, averaged over the reference 52 weeks. */
  readonly hoursPerWeek: number;
}

const MAX_WINDOWS = 20;
const MINUTES_PER_DAY = 1440;
/** 52 weeks from Monday 2018-01-01 (wall clock, no DST shift): the span the open hours are counted over. */
const REFERENCE_DAYS = 364;
/** Events up to two years out decide whether the last minutes of the span are open. */
const SIMULATED_DAYS = 730;
const REFERENCE_START = Date.UTC(2018, 0, 1);
const DAY_MS = 86_400_000;
/** @internal */
export const REFERENCE_WEEKS = REFERENCE_DAYS / 7;

const DOW_NUMBER: Record<Weekday, number> = {
  [Weekday.SUNDAY]: 0,
  [Weekday.MONDAY]: 1,
  [Weekday.TUESDAY]: 2,
  [Weekday.WEDNESDAY]: 3,
  [Weekday.THURSDAY]: 4,
  [Weekday.FRIDAY]: 5,
  [Weekday.SATURDAY]: 6,
};

/**
 * A schedule that holds warm capacity before a known daily peak and lets it
 * go after, through KEDA's cron scaler: `replicas` raises the model's floor
 * (Ready replicas, no cold start in the window), `warmNodes` raises the warm
 * buffer (held GPU nodes, a wake skips node provisioning). The cold-start
 * report prints the GPU-hours a week each window holds next to the wake it
 * avoids. Set it as `scaling.preWarm`. KEDA must be installed.
 */
export class PreWarmSchedule {
  /**
   * One window a day (or on the given days), e.g.
   * `PreWarmSchedule.daily({ timeZone: 'Europe/Paris', start: '08:30', end: '18:00', days: [Weekday.MONDAY, ...], replicas: 1 })`.
   */
  public static daily(options: DailyPreWarmOptions): PreWarmSchedule {
    const site = 'PreWarmSchedule.daily';
    const refuse = (problem: string, fix: string): never => fail(site, 'CS-IN-065', problem, fix);
    if (options === null || typeof options !== 'object') refuse('options are not an object', 'pass { timeZone, start, end, replicas or warmNodes }');
    const timeZone = checkTimeZone(site, options.timeZone);
    const start = timeOfDay(refuse, 'start', options.start);
    const end = timeOfDay(refuse, 'end', options.end);
    if (start === end) refuse(`start and end are both ${options.start}: the window would never open`, 'give a start and an end that differ, e.g. start "08:00", end "18:00"');
    let dows = '*';
    let endDows = '*';
    if (options.days !== undefined) {
      const days = options.days;
      if (!Array.isArray(days) || days.length === 0 || !days.every(d => Object.values(Weekday).includes(d))) {
        refuse('days is not a non-empty list of Weekday values', 'pass e.g. [Weekday.MONDAY, Weekday.FRIDAY], or leave days out for every day');
      }
      const numbers = [...new Set(days.map(d => DOW_NUMBER[d]))];
      dows = dowList(numbers);
      // Across midnight the window closes on the next day: a close on the same days would leave Friday's window open until Monday.
      endDows = end > start ? dows : dowList(numbers.map(n => (n + 1) % 7));
    }
    const cron = (minute: number, weekdays: string) => `${minute % 60} ${Math.floor(minute / 60)} * * ${weekdays}`;
    const window = { start: cron(start, dows), end: cron(end, endDows), replicas: options.replicas, warmNodes: options.warmNodes };
    return new PreWarmSchedule(site, timeZone, [window]);
  }

  /**
   * Windows as KEDA cron triggers: each holds its targets from `start` to
   * the next `end`.
   */
  public static cron(options: CronPreWarmOptions): PreWarmSchedule {
    const site = 'PreWarmSchedule.cron';
    if (options === null || typeof options !== 'object') fail(site, 'CS-IN-065', 'options are not an object', 'pass { timeZone, windows: [{ start, end, replicas or warmNodes }] }');
    const timeZone = checkTimeZone(site, options.timeZone);
    const windows = options.windows;
    if (!Array.isArray(windows) || windows.length < 1 || windows.length > MAX_WINDOWS) {
      fail(site, 'CS-IN-065', `windows is not a list of 1 to ${MAX_WINDOWS} windows`, 'pass e.g. [{ start: "0 8 * * 1-5", end: "0 18 * * 1-5", replicas: 1 }]');
    }
    return new PreWarmSchedule(site, timeZone, windows.map(w => {
      if (w === null || typeof w !== 'object') fail(site, 'CS-IN-065', 'a window is not an object', 'pass { start, end, replicas or warmNodes }');
      return { start: w.start, end: w.end, replicas: w.replicas, warmNodes: w.warmNodes };
    }));
  }

  /** The IANA time zone of every window. @internal */
  public readonly _timeZone: string;
  /** @internal */
  public readonly _windows: ResolvedPreWarmWindow[];

  private constructor(site: string, timeZone: string, windows: PreWarmWindow[]) {
    this._timeZone = timeZone;
    this._windows = windows.map((w, i) => resolveWindow(site, i, w));
  }
}

function resolveWindow(site: string, index: number, w: PreWarmWindow): ResolvedPreWarmWindow {
  const where = `window ${index + 1}`;
  const refuse = (problem: string, fix: string): never => fail(site, 'CS-IN-065', `${where}: ${problem}`, fix);
  for (const key of ['replicas', 'warmNodes'] as const) {
    const v = w[key];
    if (v !== undefined && !(Number.isInteger(v) && v >= 1 && v <= INT32_MAX)) {
      fail(site, 'CS-IN-066', `${where}: ${key} ${v} is not an integer in [1, ${INT32_MAX}]`, `pass the ${key === 'replicas' ? 'replica floor' : 'warm-buffer copies'} the window holds, e.g. 1`);
    }
  }
  if (w.replicas === undefined && w.warmNodes === undefined) {
    refuse('holds nothing: neither replicas nor warmNodes is set', 'set replicas (Ready replicas in the window) or warmNodes (held GPU nodes), or both');
  }
  const start = parseCron(refuse, 'start', w.start);
  const end = parseCron(refuse, 'end', w.end);
  // KEDA compares the strings (cron_scaler.go, Validate).
  if (w.start === w.end) refuse(`start and end are the same ("${w.start}")`, 'give the window an end that differs from its start');
  const open = openMinutes(refuse, start, end);
  let minutes = 0;
  for (const m of open) minutes += m;
  if (minutes === 0) refuse(`"${w.start}" to "${w.end}" is never open in a year`, 'check the fields: KEDA holds the targets from a start until the next end');
  return { start: w.start, end: w.end, replicas: w.replicas, warmNodes: w.warmNodes, open, hoursPerWeek: minutes / 60 / REFERENCE_WEEKS };
}

/**
 * An IANA name that Go's `time.LoadLocation` (KEDA's cron scaler) finds:
 * known to the tz database (ICU's copy here), spelled with its exact case
 * (Go reads a file of that name; ICU ignores case), not `Local`.
 */
function checkTimeZone(site: string, tz: unknown): string {
  const refuse = (problem: string): never => fail(site, 'CS-IN-065', problem, 'pass an IANA time zone name such as "Europe/Paris", "America/New_York" or "UTC"');
  if (typeof tz !== 'string' || !/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9][A-Za-z0-9_+-]*)*$/.test(tz)) refuse(`timeZone ${JSON.stringify(tz)} is not an IANA time zone name`);
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat('en-US', { timeZone: tz as string }).resolvedOptions().timeZone;
  } catch {
    return refuse(`timeZone "${tz}" is not in the IANA time zone database`);
  }
  const name = tz as string;
  if (resolved.toLowerCase() === name.toLowerCase() && resolved !== name) refuse(`timeZone "${name}" is spelled "${resolved}" in the tz database, and KEDA reads the name case-sensitively`);
  // An alias ICU resolved to another name (Asia/Kolkata -> Asia/Calcutta) is kept as given; its segments must start as tz names do.
  if (!name.split('/').every(s => /^[A-Z]/.test(s))) refuse(`timeZone "${name}" is not spelled as tz database names are (each part capitalized)`);
  return name;
}

function timeOfDay(refuse: (p: string, f: string) => never, key: string, value: unknown): number {
  const m = typeof value === 'string' ? /^([01]\d|2[0-3]):([0-5]\d)$/.exec(value) : null;
  if (!m) refuse(`${key} ${JSON.stringify(value)} is not a time of day HH:MM`, 'pass a 24-hour time such as "08:30" or "18:00"');
  return Number(m![1]) * 60 + Number(m![2]);
}

/** Day-of-week numbers as a cron list with runs folded into ranges (1,2,3,5 -> 1-3,5). */
function dowList(numbers: number[]): string {
  const sorted = [...new Set(numbers)].sort((a, b) => a - b);
  if (sorted.length === 7) return '*';
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(j - i >= 2 ? `${sorted[i]}-${sorted[j]}` : sorted.slice(i, j + 1).join(','));
    i = j + 1;
  }
  return parts.join(',');
}

/** The bits of a parsed cron expression, as robfig/cron v3 (KEDA's parser) sets them. */
interface CronSpec {
  readonly minute: boolean[];
  readonly hour: boolean[];
  readonly dom: boolean[];
  readonly month: boolean[];
  readonly dow: boolean[];
  /** `*` or `?` in day of month or day of week: then both must match, else either. */
  readonly dayStar: boolean;
}

const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const DAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'];

/**
 * Parses a 5-field cron expression the way KEDA's cron scaler does
 * (robfig/cron v3 parser with Minute | Hour | Dom | Month | Dow, no
 * descriptors: keda v2.20.2 pkg/scalers/cron_scaler.go; robfig/cron v3.0.1
 * parser.go, spec.go). Day of week is 0-6 (Sunday 0; 7 is refused).
 */
function parseCron(refuse: (p: string, f: string) => never, key: string, expr: unknown): CronSpec {
  const fix = 'pass 5 fields: minute hour day-of-month month day-of-week, e.g. "0 8 * * 1-5" (08:00, Monday to Friday)';
  if (typeof expr !== 'string' || !expr.trim()) return refuse(`${key} is not a cron expression`, fix);
  if (/^(CRON_)?TZ=/.test(expr)) refuse(`${key} "${expr}" sets its own time zone`, 'drop the TZ= prefix: the schedule\'s timeZone applies to every window');
  if (expr.startsWith('@')) refuse(`${key} "${expr}" is a descriptor, which KEDA's cron scaler refuses`, fix);
  const fields = expr.trim().split(/\s+/);
  if (fields.length !== 5) refuse(`${key} "${expr}" has ${fields.length} fields, not 5`, fix);
  const field = (text: string, name: string, min: number, max: number, names?: string[]): { bits: boolean[]; star: boolean } => {
    const bits = new Array<boolean>(max + 1).fill(false);
    let star = false;
    const value = (t: string): number => {
      const named = names?.indexOf(t.toLowerCase()) ?? -1;
      if (named >= 0) return named + (names === MONTHS ? 1 : 0);
      if (!/^\d+$/.test(t)) refuse(`${key} "${expr}": ${name} "${text}" is not a number${names ? ' or a name' : ''}`, fix);
      return Number(t);
    };
    for (const range of text.split(',')) {
      if (range === '') refuse(`${key} "${expr}": ${name} has an empty list item`, fix);
      const [span, stepText, extra] = range.split('/');
      if (extra !== undefined) refuse(`${key} "${expr}": ${name} "${range}" has two slashes`, fix);
      const [low, high, more] = span.split('-');
      if (more !== undefined) refuse(`${key} "${expr}": ${name} "${range}" has two hyphens`, fix);
      let from: number;
      let to: number;
      let rangeStar = false;
      if (low === '*' || low === '?') {
        if (high !== undefined) refuse(`${key} "${expr}": ${name} "${range}" is not a range`, fix);
        [from, to, rangeStar] = [min, max, true];
      } else {
        from = value(low);
        to = high === undefined ? from : value(high);
      }
      let step = 1;
      if (stepText !== undefined) {
        if (!/^\d+$/.test(stepText) || Number(stepText) === 0) refuse(`${key} "${expr}": ${name} "${range}" has a step that is not a positive number`, fix);
        step = Number(stepText);
        if (high === undefined) to = max; // "N/step" means N-max/step
        if (step > 1) rangeStar = false;
      }
      if (from < min || to > max || from > to) refuse(`${key} "${expr}": ${name} "${range}" is outside ${min}-${max}`, fix);
      for (let i = from; i <= to; i += step) bits[i] = true;
      star = star || rangeStar;
    }
    return { bits, star };
  };
  const minute = field(fields[0], 'minute', 0, 59);
  const hour = field(fields[1], 'hour', 0, 23);
  const dom = field(fields[2], 'day of month', 1, 31);
  const month = field(fields[3], 'month', 1, 12, MONTHS);
  const dow = field(fields[4], 'day of week', 0, 6, DAYS);
  return { minute: minute.bits, hour: hour.bits, dom: dom.bits, month: month.bits, dow: dow.bits, dayStar: dom.star || dow.star };
}

function minutesOfDay(spec: CronSpec): number[] {
  const out: number[] = [];
  for (let h = 0; h < 24; h++) if (spec.hour[h]) for (let m = 0; m < 60; m++) if (spec.minute[m]) out.push(h * 60 + m);
  return out;
}

function firesOn(spec: CronSpec, day: Date): boolean {
  if (!spec.month[day.getUTCMonth() + 1]) return false;
  const dom = spec.dom[day.getUTCDate()];
  const dow = spec.dow[day.getUTCDay()];
  return spec.dayStar ? dom && dow : dom || dow;
}

/**
 * The minutes of the reference 52 weeks in which KEDA's cron scaler reports
 * the window active. It looks ahead: a time is inside when the next end comes
 * before the next start, or at the same minute (cron_scaler.go,
 * GetMetricsAndActivity). Wall-clock minutes: a daylight-saving day counts
 * 24 hours.
 */
function openMinutes(refuse: (p: string, f: string) => never, start: CronSpec, end: CronSpec): Uint8Array {
  const total = SIMULATED_DAYS * MINUTES_PER_DAY;
  const startFires = new Uint8Array(total);
  const endFires = new Uint8Array(total);
  const startMinutes = minutesOfDay(start);
  const endMinutes = minutesOfDay(end);
  let starts = 0;
  let ends = 0;
  for (let d = 0; d < SIMULATED_DAYS; d++) {
    const day = new Date(REFERENCE_START + d * DAY_MS);
    const base = d * MINUTES_PER_DAY;
    if (firesOn(start, day)) for (const m of startMinutes) { startFires[base + m] = 1; starts++; }
    if (firesOn(end, day)) for (const m of endMinutes) { endFires[base + m] = 1; ends++; }
  }
  // A start that never fires leaves KEDA's window open for good, an end that never fires shut (zero next time).
  if (!starts || !ends) refuse(`its ${!starts ? 'start' : 'end'} never fires within two years`, 'use a schedule that opens and closes at least once a year, e.g. "0 8 * * 1-5" to "0 18 * * 1-5"');
  const open = new Uint8Array(REFERENCE_DAYS * MINUTES_PER_DAY);
  let nextIsEnd = false;
  for (let t = total - 1; t >= 0; t--) {
    if (t < open.length && nextIsEnd) open[t] = 1;
    if (endFires[t]) nextIsEnd = true;
    else if (startFires[t]) nextIsEnd = false;
  }
  return open;
}

/**
 * GPU-hours a week the windows hold above the configuration without them:
 * per minute, the largest extra of the open windows (KEDA takes the largest
 * trigger), times GPUs per copy.
 * @internal
 */
export function heldGpuHoursPerWeek(windows: ResolvedPreWarmWindow[], extraOf: (w: ResolvedPreWarmWindow) => number, gpusPerCopy: number): number {
  const relevant = windows.filter(w => extraOf(w) > 0);
  if (!relevant.length) return 0;
  let copyMinutes = 0;
  const length = relevant[0].open.length;
  for (let t = 0; t < length; t++) {
    let extra = 0;
    for (const w of relevant) if (w.open[t] && extraOf(w) > extra) extra = extraOf(w);
    copyMinutes += extra;
  }
  return (copyMinutes * gpusPerCopy) / 60 / REFERENCE_WEEKS;
}

/**
 * KEDA cron triggers for the windows that set `key`, named so that the
 * ScaledObject's status says which window is active.
 * @internal
 */
export function cronTriggers(schedule: PreWarmSchedule, key: 'replicas' | 'warmNodes'): any[] {
  return schedule._windows.flatMap((w, i) => {
    const desired = w[key];
    return desired === undefined ? [] : [{
      type: 'cron',
      name: `pre-warm-${i + 1}`,
      // Metadata values are strings (ScaledObject CRD: additionalProperties string).
      metadata: { timezone: schedule._timeZone, start: w.start, end: w.end, desiredReplicas: `${desired}` },
    }];
  });
}
