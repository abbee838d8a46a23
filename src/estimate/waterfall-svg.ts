import { ColdStartEstimate, SecondsRange } from './estimate-options';

/** The four levers in the order a wake pays them. @internal */
export const LEVERS: ReadonlyArray<{ readonly label: string; readonly seconds: (e: ColdStartEstimate) => number; readonly color: string }> = [
  { label: 'node capacity', seconds: e => e.nodeCapacitySeconds, color: '#8e6c8a' },
  { label: 'image pull', seconds: e => e.imagePullSeconds, color: '#4e79a7' },
  { label: 'weight load', seconds: e => e.weightLoadSeconds, color: '#f28e2b' },
  { label: 'runtime', seconds: e => e.runtimeSeconds, color: '#59a14f' },
];

const WIDTH = 760;
const LABEL = 110;
const VALUE = 80;
const ROW = 34;
const TOP = 44;

/** The spread of each lever, fast to slow, in the order of LEVERS. @internal */
const RANGES: ReadonlyArray<(e: ColdStartEstimate) => SecondsRange> = [
  e => e.nodeCapacityRange,
  e => e.imagePullRange,
  e => e.weightLoadRange,
  e => e.runtimeRange,
];

/**
 * A waterfall of one model's cold start: one bar per lever, each starting
 * where the previous one ends, with a whisker from its fast to its slow case;
 * with a "before" setup, a thin grey bar under each lever shows it. Plain SVG
 * 1.1 with system fonts: renders in a browser and on GitHub, made without
 * one. Deterministic for the same input.
 * @internal
 */
export function waterfallSvg(title: string, e: ColdStartEstimate, before?: ColdStartEstimate): string {
  const plot = WIDTH - LABEL - VALUE;
  // The scale holds the slow case of every lever after the expected ones before it, and the before bars.
  let reach = 0;
  let at = 0;
  LEVERS.forEach((lever, i) => {
    reach = Math.max(reach, at + RANGES[i](e).high);
    at += lever.seconds(e);
  });
  const total = Math.max(reach, at, before?.totalSeconds ?? 0, 1e-9);
  const height = TOP + LEVERS.length * ROW + 36 + (before ? 18 : 0);
  const x = (s: number) => LABEL + (s / total) * plot;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13">`);
  out.push(`  <title>${esc(`Cold-start estimate: ${title}`)}</title>`);
  out.push('  <rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>');
  const heading = `${title}: ~${fmt(e.totalSeconds)} s cold start (${fmt(e.totalRange.low)}-${fmt(e.totalRange.high)} s)${before ? `, before ~${fmt(before.totalSeconds)} s` : ''}`;
  out.push(`  <text x="10" y="24" font-size="15" font-weight="bold">${esc(heading)}</text>`);
  let start = 0;
  let beforeStart = 0;
  LEVERS.forEach((lever, i) => {
    const s = lever.seconds(e);
    const r = RANGES[i](e);
    const y = TOP + i * ROW;
    const w = Math.max((s / total) * plot, s > 0 ? 1 : 0);
    out.push(`  <g class="lever" data-lever="${esc(lever.label)}" data-seconds="${fmt(s)}" data-low="${fmt(r.low)}" data-high="${fmt(r.high)}"${before ? ` data-before="${fmt(lever.seconds(before))}"` : ''}>`);
    out.push(`    <text x="10" y="${y + 17}">${esc(lever.label)}</text>`);
    out.push(`    <rect x="${fmt(x(start))}" y="${y + 4}" width="${fmt(w)}" height="${ROW - 14}" fill="${lever.color}"><title>${esc(`${lever.label}: ${fmt(s)} s (${fmt(r.low)}-${fmt(r.high)} s)`)}</title></rect>`);
    if (r.high > r.low) {
      const mid = y + 4 + (ROW - 14) / 2;
      out.push(`    <line class="range" x1="${fmt(x(start + r.low))}" y1="${fmt(mid)}" x2="${fmt(x(start + r.high))}" y2="${fmt(mid)}" stroke="#333333" stroke-width="1.5"/>`);
    }
    if (before) {
      const b = lever.seconds(before);
      out.push(`    <rect class="before" x="${fmt(x(beforeStart))}" y="${y + ROW - 9}" width="${fmt(Math.max((b / total) * plot, b > 0 ? 1 : 0))}" height="4" fill="#9a9a9a"><title>${esc(`before, ${lever.label}: ${fmt(b)} s`)}</title></rect>`);
      beforeStart += b;
    }
    out.push(`    <text x="${fmt(Math.max(x(start) + w, x(start + r.high)) + 6)}" y="${y + 17}">${fmt(s)} s</text>`);
    out.push('  </g>');
    start += s;
  });
  const axisY = TOP + LEVERS.length * ROW + 6;
  out.push(`  <line x1="${LABEL}" y1="${axisY}" x2="${LABEL + plot}" y2="${axisY}" stroke="#555555"/>`);
  out.push(`  <text x="${LABEL}" y="${axisY + 18}" fill="#555555">0 s</text>`);
  out.push(`  <text x="${LABEL + plot}" y="${axisY + 18}" fill="#555555" text-anchor="end">${fmt(total)} s (physical limit of the weight path: ${fmt(e.physicalLimitSeconds)} s)</text>`);
  if (before) out.push(`  <text x="${LABEL}" y="${axisY + 36}" fill="#555555">grey: before; line: fast to slow case</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** Rows of the app-wide picture: the slowest models; the rest are in the report's table. @internal */
export const FLEET_ROWS = 40;
const NAME = 200;
const BAR = 22;
const FLEET_TOP = 64;

/**
 * One picture for many models: a stacked bar per model (its levers in wake
 * order, on one scale), slowest first, at most FLEET_ROWS of them. Same style
 * and guarantees as the waterfall.
 * @internal
 */
export function fleetSvg(models: ReadonlyArray<{ readonly name: string; readonly estimate: ColdStartEstimate }>): string {
  const shown = [...models].sort((a, b) => b.estimate.totalSeconds - a.estimate.totalSeconds).slice(0, FLEET_ROWS);
  const plot = WIDTH - NAME - VALUE;
  const max = Math.max(...shown.map(m => m.estimate.totalSeconds), 1e-9);
  const height = FLEET_TOP + shown.length * BAR + 30;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="12">`);
  const heading = `Cold-start estimate: ${shown.length < models.length ? `the ${shown.length} slowest of ${models.length} models` : `${models.length} model${models.length === 1 ? '' : 's'}`}`;
  out.push(`  <title>${esc(heading)}</title>`);
  out.push('  <rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>');
  out.push(`  <text x="10" y="22" font-size="15" font-weight="bold">${esc(heading)}</text>`);
  let lx = 10;
  for (const lever of LEVERS) {
    out.push(`  <rect x="${lx}" y="36" width="12" height="12" fill="${lever.color}"/>`);
    out.push(`  <text x="${lx + 17}" y="46">${esc(lever.label)}</text>`);
    lx += 17 + lever.label.length * 7 + 18;
  }
  shown.forEach((m, i) => {
    const y = FLEET_TOP + i * BAR;
    const name = m.name.length > 30 ? `${m.name.slice(0, 29)}…` : m.name;
    out.push(`  <g class="model" data-model="${esc(m.name)}" data-seconds="${fmt(m.estimate.totalSeconds)}">`);
    out.push(`    <text x="10" y="${y + 15}">${esc(name)}</text>`);
    let start = 0;
    for (const lever of LEVERS) {
      const s = lever.seconds(m.estimate);
      if (s > 0) {
        out.push(`    <rect x="${fmt(NAME + (start / max) * plot)}" y="${y + 3}" width="${fmt(Math.max((s / max) * plot, 1))}" height="${BAR - 6}" fill="${lever.color}">`
          + `<title>${esc(`${m.name}, ${lever.label}: ${fmt(s)} s`)}</title></rect>`);
      }
      start += s;
    }
    out.push(`    <text x="${fmt(NAME + (start / max) * plot + 6)}" y="${y + 15}">${fmt(m.estimate.totalSeconds)} s</text>`);
    out.push('  </g>');
  });
  const axisY = FLEET_TOP + shown.length * BAR + 4;
  out.push(`  <line x1="${NAME}" y1="${axisY}" x2="${NAME + plot}" y2="${axisY}" stroke="#555555"/>`);
  out.push(`  <text x="${NAME}" y="${axisY + 18}" fill="#555555">0 s</text>`);
  out.push(`  <text x="${NAME + plot}" y="${axisY + 18}" fill="#555555" text-anchor="end">${fmt(max)} s</text>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

/** One decimal, no trailing `.0`. @internal */
export function fmt(n: number): string {
  return (Math.round(n * 10) / 10).toString();
}

function esc(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
