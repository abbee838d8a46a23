import {
  Backend, Cloud, ColdStartError, DeploymentAutoscaler, PreWarmSchedule, Profile, StandardAutoscaler, WarmBufferMode, Weekday, WeightSource,
} from '../../src';
import { COLDSTART_REPORT_FILE, ColdStartReportWriter } from '../../src/estimate/cold-start-report';
import { fmt } from '../../src/estimate/waterfall-svg';
import { find, synth, thrown } from '../util';

const CLAIM = WeightSource.existingClaim('qwen-weights');
const addOn = () => Backend.deployment({ autoscaler: DeploymentAutoscaler.kedaHttpAddOn() });
const WEEKDAYS = [Weekday.MONDAY, Weekday.TUESDAY, Weekday.WEDNESDAY, Weekday.THURSDAY, Weekday.FRIDAY];
const office = (o: { replicas?: number; warmNodes?: number } = { replicas: 2 }) =>
  PreWarmSchedule.daily({ timeZone: 'Europe/Paris', start: '08:00', end: '18:00', days: WEEKDAYS, ...o });
const cron = (start: string, end: string, o: { replicas?: number; warmNodes?: number; timeZone?: string } = { replicas: 2 }) =>
  PreWarmSchedule.cron({ timeZone: o.timeZone ?? 'UTC', windows: [{ start, end, replicas: o.replicas, warmNodes: o.warmNodes }] });
const scaledObject = (m: any[], name: string) => find(m, 'ScaledObject').find(s => s.metadata.name === name);
const idOf = (fn: () => unknown): string => {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(ColdStartError);
    return (e as ColdStartError).code;
  }
  throw new Error('expected an error, none was thrown');
};

describe('PreWarmSchedule', () => {
  test('daily writes KEDA cron expressions, weekdays folded into a range', () => {
    const s = office();
    expect(s._timeZone).toBe('Europe/Paris');
    expect(s._windows.map(w => [w.start, w.end, w.replicas])).toEqual([['0 8 * * 1-5', '0 18 * * 1-5', 2]]);
    expect(s._windows[0].hoursPerWeek).toBeCloseTo(50, 6);
    // Every day: a star, 70 hours a week.
    const daily = PreWarmSchedule.daily({ timeZone: 'UTC', start: '08:30', end: '18:30', warmNodes: 1 });
    expect([daily._windows[0].start, daily._windows[0].end]).toEqual(['30 8 * * *', '30 18 * * *']);
    expect(daily._windows[0].hoursPerWeek).toBeCloseTo(70, 6);
  });

  test('a daily window across midnight closes on the next day, so Friday night does not stay open all weekend', () => {
    const s = PreWarmSchedule.daily({ timeZone: 'UTC', start: '22:00', end: '06:00', days: [Weekday.MONDAY, Weekday.WEDNESDAY, Weekday.FRIDAY], replicas: 2 });
    expect([s._windows[0].start, s._windows[0].end]).toEqual(['0 22 * * 1,3,5', '0 6 * * 2,4,6']);
    expect(s._windows[0].hoursPerWeek).toBeCloseTo(3 * 8, 6);
    const sunday = PreWarmSchedule.daily({ timeZone: 'UTC', start: '23:00', end: '01:00', days: [Weekday.SUNDAY, Weekday.SATURDAY], replicas: 2 });
    expect([sunday._windows[0].start, sunday._windows[0].end]).toEqual(['0 23 * * 0,6', '0 1 * * 0,1']);
    expect(sunday._windows[0].hoursPerWeek).toBeCloseTo(4, 6);
  });

  test('open hours follow KEDA\'s look-ahead: inside only while the next end comes before the next start', () => {
    // Starts every day, ends on Mondays only: KEDA reports the window active from Monday 08:00 to 18:00 (cron_scaler.go).
    expect(cron('0 8 * * *', '0 18 * * 1')._windows[0].hoursPerWeek).toBeCloseTo(10, 6);
    // Day of month and day of week both restricted: either matches (robfig/cron dayMatches).
    const either = cron('0 8 1 * 1', '0 9 1 * 1')._windows[0].hoursPerWeek;
    expect(either).toBeGreaterThan(1 - 1e-9); // every Monday at least
    expect(either).toBeLessThan(1 + 12 / 52);
  });

  test.each([
    ['six fields', '0 0 8 * * *', /has 6 fields, not 5/],
    ['a descriptor', '@daily', /descriptor/],
    ['a TZ= prefix', 'TZ=UTC 0 8 * * *', /sets its own time zone/],
    ['day of week 7', '0 8 * * 7', /outside 0-6/],
    ['hour 24', '0 24 * * *', /outside 0-23/],
    ['a reversed range', '0 18-8 * * *', /outside 0-23/],
    ['a zero step', '*/0 8 * * *', /step that is not a positive number/],
    ['a word', '0 8 * * weekday', /is not a number or a name/],
    ['an empty list item', '0 8,,9 * * *', /empty list item/],
  ])('a start with %s is refused (CS-IN-065)', (_name, start, message) => {
    expect(idOf(() => cron(start, '0 18 * * *'))).toBe('CS-IN-065');
    expect(thrown(() => cron(start, '0 18 * * *'))).toMatch(message);
  });

  test('names and steps parse as KEDA\'s parser reads them', () => {
    expect(cron('0 8 * jan-dec MON-fri', '0 18 * * mon-fri')._windows[0].hoursPerWeek).toBeCloseTo(50, 6);
    expect(cron('0 8/12 * * ?', '0 9/12 * * ?')._windows[0].hoursPerWeek).toBeCloseTo(14, 6);
  });

  test('start equal to end, a window that never opens, and an end that never fires are refused', () => {
    expect(thrown(() => cron('0 8 * * *', '0 8 * * *'))).toMatch(/CS-IN-065.*start and end are the same/);
    expect(thrown(() => PreWarmSchedule.daily({ timeZone: 'UTC', start: '08:00', end: '08:00', replicas: 2 }))).toMatch(/CS-IN-065.*would never open/);
    // February 30th: KEDA would keep the window shut for good (or open for good, as a start).
    expect(thrown(() => cron('0 8 * * *', '0 9 30 2 *'))).toMatch(/CS-IN-065.*end never fires/);
    expect(thrown(() => cron('0 8 30 2 *', '0 9 * * *'))).toMatch(/CS-IN-065.*start never fires/);
  });

  test.each([
    ['europe/paris', /spelled "Europe\/Paris"/],
    ['Mars/Olympus_Mons', /not in the IANA time zone database/],
    ['Local', /not in the IANA time zone database/],
    ['', /not an IANA time zone name/],
    ['Europe/Paris ', /not an IANA time zone name/],
  ])('time zone %j is refused (CS-IN-065)', (timeZone, message) => {
    expect(thrown(() => PreWarmSchedule.daily({ timeZone, start: '08:00', end: '18:00', replicas: 2 }))).toMatch(message);
    expect(idOf(() => cron('0 8 * * *', '0 18 * * *', { replicas: 2, timeZone }))).toBe('CS-IN-065');
  });

  test('IANA names and links are kept as given (KEDA loads them from its own tz database)', () => {
    for (const timeZone of ['UTC', 'Asia/Kolkata', 'America/Argentina/Buenos_Aires', 'Etc/GMT+5', 'America/Port-au-Prince']) {
      expect(cron('0 8 * * *', '0 18 * * *', { replicas: 2, timeZone })._timeZone).toBe(timeZone);
    }
  });

  test('times of day, days and targets are checked', () => {
    expect(thrown(() => PreWarmSchedule.daily({ timeZone: 'UTC', start: '8:00', end: '18:00', replicas: 2 }))).toMatch(/CS-IN-065.*start "8:00" is not a time of day HH:MM/);
    expect(thrown(() => PreWarmSchedule.daily({ timeZone: 'UTC', start: '08:00', end: '24:00', replicas: 2 }))).toMatch(/CS-IN-065.*end "24:00"/);
    expect(thrown(() => PreWarmSchedule.daily({ timeZone: 'UTC', start: '08:00', end: '18:00', days: [], replicas: 2 }))).toMatch(/CS-IN-065.*days is not a non-empty list/);
    expect(thrown(() => PreWarmSchedule.daily({ timeZone: 'UTC', start: '08:00', end: '18:00', days: ['monday' as Weekday], replicas: 2 }))).toMatch(/CS-IN-065/);
    expect(thrown(() => PreWarmSchedule.daily({ timeZone: 'UTC', start: '08:00', end: '18:00' }))).toMatch(/CS-IN-065.*holds nothing/);
    expect(thrown(() => PreWarmSchedule.daily({ timeZone: 'UTC', start: '08:00', end: '18:00', replicas: 1.5 }))).toMatch(/CS-IN-066.*replicas 1.5 is not an integer/);
    expect(thrown(() => PreWarmSchedule.daily({ timeZone: 'UTC', start: '08:00', end: '18:00', warmNodes: 0 }))).toMatch(/CS-IN-066.*warmNodes 0/);
    expect(thrown(() => PreWarmSchedule.cron({ timeZone: 'UTC', windows: [] }))).toMatch(/CS-IN-065.*1 to 20 windows/);
    expect(thrown(() => PreWarmSchedule.cron(null as any))).toMatch(/CS-IN-065.*not an object/);
    expect(thrown(() => PreWarmSchedule.cron({ timeZone: 'UTC', windows: [null as any] }))).toMatch(/CS-IN-065.*a window is not an object/);
  });
});

describe('pre-warm on the model', () => {
  const keda = (preWarm: PreWarmSchedule, scaling = { minReplicas: 0, maxReplicas: 3 }) =>
    synth({ weights: CLAIM, backend: addOn(), scaling: { ...scaling, preWarm } }, 'llm');

  test('replicas: cron triggers beside the add-on\'s external-push trigger on the model\'s ScaledObject', () => {
    const { manifests: m } = keda(office({ replicas: 2 }));
    const so = scaledObject(m, 'qwen');
    expect([so.spec.minReplicaCount, so.spec.maxReplicaCount]).toEqual([0, 3]);
    expect(so.spec.triggers).toEqual([
      { type: 'external-push', metadata: { interceptorRoute: 'qwen', scalerAddress: 'keda-add-ons-http-external-scaler.keda:9090' } },
      { type: 'cron', name: 'pre-warm-1', metadata: { timezone: 'Europe/Paris', start: '0 8 * * 1-5', end: '0 18 * * 1-5', desiredReplicas: '2' } },
    ]);
    // Only the model's ScaledObject: no buffer is scheduled.
    expect(find(m, 'ScaledObject')).toHaveLength(1);
  });

  test('windows that raise only the buffer add no cron trigger to the model', () => {
    const { manifests: m } = keda(office({ warmNodes: 1 }));
    expect(scaledObject(m, 'qwen').spec.triggers.map((t: any) => t.type)).toEqual(['external-push']);
    expect(scaledObject(m, 'qwen-prewarm').spec.triggers).toHaveLength(1);
  });

  test('replicas must lie above the floor and within the ceiling (CS-IN-066)', () => {
    expect(thrown(() => keda(office({ replicas: 4 })))).toMatch(/CS-IN-066.*holds 4 replicas, outside \(0, 3\]: KEDA never scales above maxReplicas/);
    expect(thrown(() => keda(office({ replicas: 1 }), { minReplicas: 1, maxReplicas: 3 }))).toMatch(/CS-IN-066.*at or below the floor/);
    expect(() => keda(office({ replicas: 3 }), { minReplicas: 1, maxReplicas: 3 })).not.toThrow();
  });

  test.each([
    ['KServe Knative', () => Backend.kserveKnative(), /Knative's autoscaler owns the revision's replica count/],
    ['KServe Standard (KEDA)', () => Backend.kserveStandard({ autoscaler: StandardAutoscaler.KEDA }), /KServe writes the predictor's HPA or ScaledObject itself/],
    ['a Deployment without an autoscaler', () => Backend.deployment(), /has no autoscaler/],
  ])('replicas on %s are refused: nothing the library writes carries a cron trigger (CS-IN-067)', (_name, backend, reason) => {
    const weights = _name.startsWith('KServe') ? undefined : CLAIM;
    const scaling = { minReplicas: 1, maxReplicas: 2, preWarm: office({ replicas: 2 }) };
    const message = thrown(() => synth({ ...(weights ? { weights } : {}), backend: backend(), scaling }));
    expect(message).toMatch(/CS-IN-067/);
    expect(message).toMatch(reason);
    expect(message).toMatch(/warmNodes/);
  });

  test('warmNodes on Knative in lab: a buffer that exists only in the window, sized by a KEDA ScaledObject', () => {
    const { manifests: m } = synth({ scaling: { preWarm: office({ warmNodes: 2 }) } }, 'llm');
    const buffer = find(m, 'Deployment').find(d => d.metadata.name === 'qwen-warm-buffer');
    // KEDA owns the count: a fixed one would be reset at every apply.
    expect(buffer.spec).not.toHaveProperty('replicas');
    expect(buffer.spec.template.spec.containers[0].resources.limits['nvidia.com/gpu']).toBe('1');
    const so = scaledObject(m, 'qwen-prewarm');
    expect(so.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: 'qwen-warm-buffer' });
    expect([so.spec.minReplicaCount, so.spec.maxReplicaCount]).toEqual([0, 2]);
    expect(so.spec.triggers).toEqual([
      { type: 'cron', name: 'pre-warm-1', metadata: { timezone: 'Europe/Paris', start: '0 8 * * 1-5', end: '0 18 * * 1-5', desiredReplicas: '2' } },
    ]);
    // Outside the window there is no standing buffer: the estimate still counts a cold node.
    expect(synth({ scaling: { preWarm: office({ warmNodes: 2 }) } }).model.estimate.nodeCapacitySeconds).toBe(100);
  });

  test('warmNodes in production: the standing buffer is the floor, the window adds to it', () => {
    const { manifests: m, model } = synth({
      profile: Profile.production(), capacity: { warmBuffer: { replicas: 1 } }, scaling: { preWarm: office({ warmNodes: 3 }) },
    });
    const so = scaledObject(m, 'qwen-prewarm');
    expect([so.spec.minReplicaCount, so.spec.maxReplicaCount]).toEqual([1, 3]);
    expect(model.estimate.nodeCapacitySeconds).toBe(5);
    expect(thrown(() => synth({ profile: Profile.production(), scaling: { preWarm: office({ warmNodes: 1 }) } })))
      .toMatch(/CS-IN-066.*holds 1 warm-buffer copies, not above the 1 the buffer always holds/);
  });

  test('without a schedule the buffer keeps its fixed count and no ScaledObject', () => {
    const { manifests: m } = synth({ profile: Profile.production() });
    expect(find(m, 'Deployment').find(d => d.metadata.name === 'qwen-warm-buffer').spec.replicas).toBe(1);
    expect(find(m, 'ScaledObject')).toEqual([]);
  });

  test('warmNodes on a CapacityBuffer is refused: it has no scale subresource (CS-IN-067)', () => {
    const gke = Profile.production({ cloud: Cloud.gke({ region: 'us-central1' }) });
    const capacity = { warmBuffer: { mode: WarmBufferMode.CAPACITY_BUFFER } };
    expect(thrown(() => synth({ profile: gke, capacity, scaling: { preWarm: office({ warmNodes: 2 }) } })))
      .toMatch(/CS-IN-067.*a CapacityBuffer has no scale subresource/);
  });

  test('a schedule that is not a PreWarmSchedule is refused', () => {
    expect(thrown(() => synth({ scaling: { preWarm: {} as PreWarmSchedule } }))).toMatch(/CS-IN-065.*not a PreWarmSchedule/);
  });
});

describe('the report prices the window', () => {
  const report = (s: ReturnType<typeof synth>) => {
    const writer = ColdStartReportWriter.of(s.app);
    return writer.files()[COLDSTART_REPORT_FILE];
  };

  test('GPU-hours a week held by the floor and the buffer, next to the wake each avoids', () => {
    const s = synth({
      weights: CLAIM,
      backend: addOn(),
      gpu: { count: 2 },
      scaling: { minReplicas: 1, maxReplicas: 3, preWarm: office({ replicas: 2, warmNodes: 1 }) },
    }, 'llm');
    const text = report(s);
    const total = s.model.estimate.totalSeconds;
    // (2 - 1) replica + 1 node slot, 2 GPUs each, 50 hours a week.
    expect(text).toContain('Pre-warm (KEDA cron, Europe/Paris; 2 GPU(s) per replica or node slot):');
    const row = text.split('\n').find(l => l.startsWith('| `0 8 * * 1-5` -> `0 18 * * 1-5`'))!;
    expect(row).toContain('| 2 Ready replica(s) (+1), 1 warm node slot(s) (+1) | 50 | 200 |');
    expect(row).toContain(`the ~${fmt(total)} s cold start`);
    expect(row).toContain('the ~95 s node wait of a wake');
    expect(text).toContain('Cost: 200 GPU-hours a week held (28.6 a day on average');
    expect(text).toContain(`Ready ~${fmt(total)} s after it opens`);
  });

  test('overlapping windows count once, at the larger target (KEDA takes the largest trigger)', () => {
    const preWarm = PreWarmSchedule.cron({
      timeZone: 'UTC',
      windows: [{ start: '0 8 * * *', end: '0 18 * * *', replicas: 2 }, { start: '0 12 * * *', end: '0 14 * * *', replicas: 3 }],
    });
    const s = synth({ weights: CLAIM, backend: addOn(), scaling: { minReplicas: 1, maxReplicas: 3, preWarm } }, 'llm');
    // 8 h at +1 and 2 h at +2 a day: 12 GPU-hours a day, 84 a week (not 70 + 28).
    expect(report(s)).toContain('Cost: 84 GPU-hours a week held (12 a day on average');
    expect(scaledObject(s.manifests, 'qwen').spec.triggers.map((t: any) => t.name)).toEqual([undefined, 'pre-warm-1', 'pre-warm-2']);
  });

  test('no schedule, no pre-warm lines', () => {
    expect(report(synth())).not.toContain('Pre-warm');
  });
});
