import { basename, dirname } from 'path';

/**
 * Where report files go for an app's outdir. `cdk8s synth --format helm`
 * writes the manifests into the chart's `templates/`, where Helm renders
 * every file: reports go next to `Chart.yaml` instead.
 * @internal
 */
export function reportDir(outdir: string): string {
  return basename(outdir) === 'templates' ? dirname(outdir) : outdir;
}
