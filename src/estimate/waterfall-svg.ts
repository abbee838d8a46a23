import { ColdStartEstimate } from './estimate-options';

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

/**
 * A waterfall of one model's cold start: one bar per lever, each starting
 * where the previous one ends. Plain SVG 1.1 with system fonts: renders in a
 * browser and on GitHub, made without one. Deterministic for the same input.
 * @internal
 */
export function waterfallSvg(title: string, e: ColdStartEstimate): string {
  const plot = WIDTH - LABEL - VALUE;
  const total = Math.max(e.totalSeconds, 1e-9);
  const height = TOP + LEVERS.length * ROW + 36;
  const x = (s: number) => LABEL + (s / total) * plot;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif" font-size="13">`);
  out.push(`  <title>${esc(`Cold-start estimate: ${title}`)}</title>`);
  out.push('  <rect x="0" y="0" width="100%" height="100%" fill="#ffffff"/>');
  out.push(`  <text x="10" y="24" font-size="15" font-weight="bold">${esc(`${title}: ~${fmt(e.totalSeconds)} s cold start`)}</text>`);
  let start = 0;
  LEVERS.forEach((lever, i) => {
    const s = lever.seconds(e);
    const y = TOP + i * ROW;
    const w = Math.max((s / total) * plot, s > 0 ? 1 : 0);
    out.push(`  <g class="lever" data-lever="${esc(lever.label)}" data-seconds="${fmt(s)}">`);
    out.push(`    <text x="10" y="${y + 17}">${esc(lever.label)}</text>`);
    out.push(`    <rect x="${fmt(x(start))}" y="${y + 4}" width="${fmt(w)}" height="${ROW - 10}" fill="${lever.color}"><title>${esc(`${lever.label}: ${fmt(s)} s`)}</title></rect>`);
    out.push(`    <text x="${fmt(x(start) + w + 6)}" y="${y + 17}">${fmt(s)} s</text>`);
    out.push('  </g>');
    start += s;
  });
  const axisY = TOP + LEVERS.length * ROW + 6;
  out.push(`  <line x1="${LABEL}" y1="${axisY}" x2="${LABEL + plot}" y2="${axisY}" stroke="#555555"/>`);
  out.push(`  <text x="${LABEL}" y="${axisY + 18}" fill="#555555">0 s</text>`);
  out.push(`  <text x="${LABEL + plot}" y="${axisY + 18}" fill="#555555" text-anchor="end">${fmt(e.totalSeconds)} s (physical limit of the weight path: ${fmt(e.physicalLimitSeconds)} s)</text>`);
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
