import { mkdirSync, mkdtempSync, writeFileSync } from 'fs';
import { tmpdir } from 'os';
import { join } from 'path';
import { inputFiles, InputError, parseManifests } from '../../src/check/input';

describe('reading manifests', () => {
  test('every document with its line; empty documents, comments and a leading --- are fine', () => {
    const text = [
      '---', '# Source: chart/templates/a.yaml', 'apiVersion: v1', 'kind: ConfigMap', 'metadata: {name: a}',
      '---', '---', '', '---', '# only a comment', '---',
      'apiVersion: v1', 'kind: Service', 'metadata:', '  name: b', '',
    ].join('\n');
    const { manifests, skipped } = parseManifests(text, 'x.yaml');
    expect(manifests.map(m => [m.line, m.object.kind, m.object.metadata.name])).toEqual([[3, 'ConfigMap', 'a'], [12, 'Service', 'b']]);
    expect(skipped).toEqual([]);
  });

  test('kind: List and *List objects are unwrapped, each item at its own line', () => {
    const text = [
      'apiVersion: v1', 'kind: List', 'items:',
      '  - apiVersion: v1', '    kind: ConfigMap', '    metadata: {name: a}',
      '  - apiVersion: apps/v1', '    kind: DeploymentList', '    items:',
      '      - {apiVersion: apps/v1, kind: Deployment, metadata: {name: b}}',
    ].join('\n');
    expect(parseManifests(text, 'l.yaml').manifests.map(m => [m.line, m.object.kind])).toEqual([[4, 'ConfigMap'], [10, 'Deployment']]);
  });

  test('JSON is read as YAML', () => {
    const json = JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [{ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' } }] }, undefined, 2);
    expect(parseManifests(json, 'l.json').manifests.map(m => [m.line, m.object.metadata.name])).toEqual([[5, 'p']]);
  });

  test('documents that are no Kubernetes object are skipped and said so', () => {
    const { manifests, skipped } = parseManifests('replicaCount: 1\n---\n- a\n---\nplain\n', 'values.yaml');
    expect(manifests).toEqual([]);
    expect(skipped).toEqual([
      { file: 'values.yaml', line: 1, reason: 'no apiVersion and kind: not a Kubernetes object' },
      { file: 'values.yaml', line: 3, reason: 'not a mapping' },
      { file: 'values.yaml', line: 5, reason: 'not a mapping' },
    ]);
  });

  test('invalid YAML is an input error with file and line, and an unrendered Helm template says what to do', () => {
    expect(() => parseManifests('a: b\n---\nkind: [\n', 'bad.yaml')).toThrow(InputError);
    expect(() => parseManifests('a: b\n---\nkind: [\n', 'bad.yaml')).toThrow(/^bad\.yaml:4: not valid YAML: Flow sequence/);
    expect(() => parseManifests('kind: Pod\nmetadata:\n  name: {{ .Release.Name }}\n', 't.yaml')).toThrow(/^t\.yaml:3: a mapping key is itself a mapping or a list \(a Helm template\? render it first: helm template/);
    expect(() => parseManifests('{{- if .Values.enabled }}\nkind: Pod\n', 't.yaml')).toThrow(/^t\.yaml:1: /);
  });

  test('directories are walked recursively and in order, for *.yaml, *.yml and *.json only, past dot directories and node_modules', () => {
    const dir = mkdtempSync(join(tmpdir(), 'inputs-'));
    for (const d of ['b', 'a/deep', '.git', 'node_modules/x']) mkdirSync(join(dir, d), { recursive: true });
    for (const f of ['b/2.yml', 'a/deep/1.json', 'a/0.yaml', 'README.md', '.git/c.yaml', 'node_modules/x/d.yaml', 'z.YAML']) writeFileSync(join(dir, f), '');
    expect(inputFiles([dir, '-']).map(f => f === '-' ? f : f.slice(dir.length + 1))).toEqual(['a/0.yaml', 'a/deep/1.json', 'b/2.yml', 'z.YAML', '-']);
  });

  test('a missing path or an empty directory is an input error', () => {
    expect(() => inputFiles(['/nonexistent/x.yaml'])).toThrow(/^cannot read \/nonexistent\/x\.yaml: ENOENT$/);
    expect(() => inputFiles([mkdtempSync(join(tmpdir(), 'empty-'))])).toThrow(/no \*\.yaml, \*\.yml or \*\.json file under it$/);
  });
});
