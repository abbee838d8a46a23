import { LEVER_MEASURES, ROWS, score, summary, TERM_MEASURES } from './calibration';

// The estimate against published measurements (test/estimate/published-figures.json: one row per
// figure with its source). Rows are split into a fitting set and a held-out set by a hash of their id,
// fixed before the coefficients were fitted; the coefficients were fitted on the first set only.

const scored = score();
const table = summary(scored);
const row = (m: string) => table.find(t => t.measure === m)!;

afterAll(() => {
  const pct = (x: number) => (Number.isNaN(x) ? '-' : `${Math.round(x * 100)}%`);
  process.stdout.write([
    '',
    'Cold-start estimate vs published figures: median |model / published - 1|',
    '| measure | fitted | n | held out | n | published value inside fast..slow |',
    '|---|---:|---:|---:|---:|---:|',
    ...table.map(t => `| ${t.measure} | ${pct(t.fitted)} | ${t.fittedN} | ${pct(t.heldOut)} | ${t.heldOutN} | ${pct(t.covered)} |`),
    '',
  ].join('\n') + '\n');
});

describe('the published figures', () => {
  const scoredRows = ROWS.filter(r => !r.excluded && Object.keys(r.published).length);
  test('at least 40 figures from at least 6 independent publishers, every one with its source', () => {
    expect(scored.length).toBeGreaterThanOrEqual(40);
    expect(new Set(scoredRows.map(r => r.publisher.split(' (')[0])).size).toBeGreaterThanOrEqual(6);
    // A URL, or (three publications the search could not give an address for) the publication by name and date.
    for (const r of ROWS) expect(r.source).toMatch(/^https:\/\/|^The New Stack article by .+ 2026|^GitHub workshop page '.+'/);
  });

  test('an excluded row says why', () => {
    for (const r of ROWS.filter(x => x.excluded !== undefined)) expect(r.excluded!.length).toBeGreaterThan(20);
  });

  test('both sets hold rows of the total and of the weight and runtime levers', () => {
    for (const m of ['startup', 'weight', 'runtime']) {
      expect(scored.filter(s => s.measure === m && s.heldOut).length).toBeGreaterThanOrEqual(5);
      expect(scored.filter(s => s.measure === m && !s.heldOut).length).toBeGreaterThanOrEqual(10);
    }
  });
});

describe('the estimate generalizes', () => {
  test.each(['fitted', 'heldOut'] as const)('container start to ready (the total the probe covers), %s: median error within 20%%', set => {
    expect(row('startup')[set]).toBeLessThanOrEqual(0.2);
  });

  test.each(['fitted', 'heldOut'] as const)('runtime, %s: median error within 30%%', set => {
    expect(row('runtime')[set]).toBeLessThanOrEqual(0.3);
  });

  test('weight load, fitted: median error within 30%', () => {
    expect(row('weight').fitted).toBeLessThanOrEqual(0.3);
  });

  test('every lever and term: the published value lies between the fast and slow cases for most rows', () => {
    for (const m of [...LEVER_MEASURES, ...TERM_MEASURES]) expect({ m, covered: row(m).covered >= 0.8 }).toEqual({ m, covered: true });
  });
});
