import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import { parseAllDocuments } from 'yaml';
const cel = require('cel-js');
const root = '/work/main/imports/sources/crds';
const schemas = new Map<string, any>();
for (const g of readdirSync(root)) for (const f of readdirSync(join(root, g)).filter(x => x.endsWith('.yaml'))) {
  for (const d of parseAllDocuments(readFileSync(join(root, g, f), 'utf8'))) { const c = d.toJS(); if (c?.kind !== 'CustomResourceDefinition') continue; for (const v of c.spec.versions) schemas.set(`${c.spec.group}/${v.name}/${c.spec.names.kind}`, v.schema.openAPIV3Schema); }
}
const results: Record<string, number> = {};
function walk(schema: any, value: any, path: string, out: string[]) {
  if (value === undefined || schema === undefined) return;
  for (const r of schema['x-kubernetes-validations'] ?? []) {
    if (/oldSelf/.test(r.rule)) continue;
    try { const ok = cel.evaluate(r.rule, { self: value }); results[ok === true ? 'pass' : 'fail'] = (results[ok === true ? 'pass' : 'fail'] ?? 0) + 1; if (ok !== true) out.push(`${path}: ${r.message ?? r.rule}`); }
    catch (e) { results['error'] = (results['error'] ?? 0) + 1; out.push(`ERR ${path}: ${r.rule.slice(0,100)} :: ${(e as Error).message.slice(0,100)}`); }
  }
  if (Array.isArray(value)) { value.forEach((v, i) => walk(schema.items, v, `${path}[${i}]`, out)); return; }
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walk(schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined), v, `${path}.${k}`, out);
  }
}
const dir = process.argv[2];
for (const f of readdirSync(dir).filter(x => x.endsWith('.yaml'))) for (const d of parseAllDocuments(readFileSync(join(dir, f), 'utf8'))) {
  const o = d.toJS(); const s = schemas.get(`${o.apiVersion}/${o.kind}`); if (!s) continue;
  const out: string[] = []; walk(s, o, o.kind, out); for (const l of out) console.log(o.kind, o.metadata?.name, l);
}
console.log(results);
