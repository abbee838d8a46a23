import { readdirSync, readFileSync } from 'fs';
import { join } from 'path';
import { App, Chart, Testing } from 'cdk8s';
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { ColdStartOptimizedModel, ColdStartReport, ColdStartReportOptions, ReportPictures } from '../../src';
import { COLDSTART_REPORT_FILE, FLEET_PICTURE_FILE } from '../../src/estimate/cold-start-report';
import { fleetSvg, FLEET_ROWS } from '../../src/estimate/waterfall-svg';
import { baseProps } from '../util';

/** An app of `n` models, synthesized with `options`; returns its outdir's files and what it printed on stderr. */
function synthModels(n: number, options?: ColdStartReportOptions) {
  const app = Testing.app();
  const chart = new Chart(app, 'serving');
  for (let i = 0; i < n; i++) new ColdStartOptimizedModel(chart, `m${i}`, baseProps({ name: `m${i}`, servedModelName: `m${i}` }));
  if (options) ColdStartReport.configure(app, options);
  const lines = printed(() => app.synth());
  const svgs = readdirSync(app.outdir).filter(f => f.endsWith('.svg')).sort();
  return { app, svgs, lines, report: readFileSync(join(app.outdir, COLDSTART_REPORT_FILE), 'utf8') };
}

/** The cold-start lines `run` prints on stderr (CDK8S_COLDSTART_QUIET is lifted for it). */
function printed(run: () => void): string[] {
  const quiet = process.env.CDK8S_COLDSTART_QUIET;
  delete process.env.CDK8S_COLDSTART_QUIET;
  const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
  const out = jest.spyOn(process.stdout, 'write').mockImplementation(() => true);
  try {
    run();
    expect(out).not.toHaveBeenCalled();
    return write.mock.calls.flatMap(c => String(c[0]).split('\n')).filter(Boolean);
  } finally {
    write.mockRestore();
    out.mockRestore();
    process.env.CDK8S_COLDSTART_QUIET = quiet;
  }
}

describe('pictures', () => {
  test('by default, one waterfall per model and a section each, with a console line each', () => {
    const { svgs, lines, report } = synthModels(3);
    expect(svgs).toEqual(['m0-coldstart.svg', 'm1-coldstart.svg', 'm2-coldstart.svg']);
    expect(report).toContain('## m1 (`serving/m1`)');
    expect(report).toContain('![cold-start waterfall of m1](m1-coldstart.svg)');
    expect(lines.filter(l => /^cdk8s-coldstart: serving\/m\d: cold start ~/.test(l))).toHaveLength(3);
  });

  test('by default, above 20 models: one picture for the app, one table row per model, one console line', () => {
    const { svgs, lines, report } = synthModels(21);
    expect(svgs).toEqual([FLEET_PICTURE_FILE]);
    expect(report).toContain(`![cold-start estimate of every model](${FLEET_PICTURE_FILE})`);
    expect(report).not.toContain('## m0');
    expect(report.split('\n').filter(l => /^\| m\d+ \| `serving\/m\d+` \|/.test(l))).toHaveLength(21);
    expect(lines).toEqual([expect.stringMatching(/^cdk8s-coldstart: 21 models: cold start median ~[\d.]+ s, max ~[\d.]+ s \(serving\/m\d+\); see coldstart-report\.md$/)]);
  });

  test('perModelLimit moves the switch', () => {
    expect(synthModels(3, { perModelLimit: 2 }).svgs).toEqual([FLEET_PICTURE_FILE]);
    expect(synthModels(3, { perModelLimit: 3 }).svgs).toHaveLength(3);
    expect(() => ColdStartReport.configure(Testing.app(), { perModelLimit: 1.5 })).toThrow(/perModelLimit must be a whole number >= 0, got 1.5/);
  });

  test('PER_MODEL keeps one waterfall per model above the limit, linked from the table', () => {
    const { svgs, report } = synthModels(3, { pictures: ReportPictures.PER_MODEL, perModelLimit: 1 });
    expect(svgs).toEqual(['m0-coldstart.svg', 'm1-coldstart.svg', 'm2-coldstart.svg']);
    expect(report).toContain('| [m0](m0-coldstart.svg) | `serving/m0` |');
  });

  test('ONE writes one picture, a bar per model, that parses as XML', () => {
    const { app, svgs, report } = synthModels(3, { pictures: ReportPictures.ONE });
    expect(svgs).toEqual([FLEET_PICTURE_FILE]);
    expect(report).toContain('## m0 (`serving/m0`)');
    expect(report).not.toContain('-coldstart.svg');
    const svg = readFileSync(join(app.outdir, FLEET_PICTURE_FILE), 'utf8');
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg);
    expect(doc.svg.g.map((g: any) => g['data-model']).sort()).toEqual(['m0', 'm1', 'm2']);
    // One segment per lever that takes time, in wake order.
    expect(doc.svg.g[0].rect.length).toBeGreaterThanOrEqual(2);
  });

  test('NONE writes no picture and the report references none', () => {
    const { app, svgs, report } = synthModels(2, { pictures: ReportPictures.NONE });
    expect(svgs).toEqual([]);
    expect(report).not.toContain('.svg');
    expect(readdirSync(app.outdir).sort()).toEqual(['.coldstart-report-files.txt', 'coldstart-findings.jsonl', COLDSTART_REPORT_FILE, 'serving.k8s.yaml']);
  });

  test(`the app picture shows the ${FLEET_ROWS} slowest models and says how many there are`, () => {
    const e = (total: number) => ({
      nodeCapacitySeconds: 1, imagePullSeconds: 1, weightLoadSeconds: total - 3, runtimeSeconds: 1, totalSeconds: total,
    } as any);
    const svg = fleetSvg(Array.from({ length: 100 }, (_, i) => ({ name: `m${i}`, estimate: e(10 + i) })));
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '' }).parse(svg);
    expect(doc.svg.g.map((g: any) => g['data-model'])).toEqual(Array.from({ length: FLEET_ROWS }, (_, i) => `m${99 - i}`));
    expect(doc.svg.title).toBe(`Cold-start estimate: the ${FLEET_ROWS} slowest of 100 models`);
  });

  test('a model named like the app picture cannot overwrite it', () => {
    const app = new App({ outdir: Testing.app().outdir });
    new ColdStartOptimizedModel(new Chart(app, 'c'), 'x', baseProps({ name: 'coldstart-models' }));
    ColdStartReport.configure(app, { pictures: ReportPictures.PER_MODEL });
    app.synth();
    expect(readdirSync(app.outdir).filter(f => f.endsWith('.svg'))).toEqual(['coldstart-models-coldstart.svg']);
  });
});
