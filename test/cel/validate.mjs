// Evaluates the CRDs' x-kubernetes-validations (CEL) on objects, as the API server does at create:
// each rule with `self` bound to the value at its schema node, when that value is present; transition
// rules (oldSelf) only run on update and are skipped. ESM because the CEL library is ESM-only; the
// tests run it as a child process. Input (stdin): { crdRoot, objects }. Output (stdout): JSON.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { createRequire } from 'node:module';
import { Environment } from '@marcbachmann/cel-js';

const require = createRequire(import.meta.url);
const { parseAllDocuments } = require('yaml');

// Kubernetes' CEL library adds regex helpers to strings (k8s.io/apiserver/pkg/cel/library/regex.go).
const env = new Environment({ unlistedVariablesAreDyn: true, homogeneousAggregateLiterals: false })
  .registerFunction('string.find(string): string', (s, re) => (s.match(new RegExp(re)) ?? [''])[0])
  .registerFunction('string.findAll(string): list<string>', (s, re) => [...s.matchAll(new RegExp(re, 'g'))].map(m => m[0]));

const { crdRoot, objects } = JSON.parse(readFileSync(0, 'utf8'));
const schemas = new Map();
for (const group of readdirSync(crdRoot)) {
  for (const file of readdirSync(join(crdRoot, group)).filter(f => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(readFileSync(join(crdRoot, group, file), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const v of crd.spec.versions) schemas.set(`${crd.spec.group}/${v.name}/${crd.spec.names.kind}`, v.schema.openAPIV3Schema);
    }
  }
}

/** JSON numbers of integer fields are CEL ints (BigInt here), as the API server types them from the schema. */
function typed(schema, value) {
  if (value === null || value === undefined || !schema) return value;
  if (schema.type === 'integer' && typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (Array.isArray(value)) return value.map(v => typed(schema.items, v));
  if (typeof value === 'object') {
    const out = {};
    for (const [k, v] of Object.entries(value)) {
      out[k] = typed(schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined), v);
    }
    return out;
  }
  return value;
}

const result = { objects: 0, checked: 0, failures: [], errors: [] };
function walk(schema, value, path, where) {
  if (value === undefined || value === null || !schema) return;
  for (const rule of schema['x-kubernetes-validations'] ?? []) {
    if (/\boldSelf\b/.test(rule.rule)) continue;
    result.checked++;
    try {
      if (env.evaluate(rule.rule, { self: typed(schema, value) }) !== true) result.failures.push(`${where} ${path}: ${rule.message ?? rule.rule}`);
    } catch (e) {
      result.errors.push(`${where} ${path}: ${rule.rule} :: ${String(e.message).split('\n')[0]}`);
    }
  }
  if (Array.isArray(value)) value.forEach((v, i) => walk(schema.items, v, `${path}[${i}]`, where));
  else if (typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      walk(schema.properties?.[k] ?? (typeof schema.additionalProperties === 'object' ? schema.additionalProperties : undefined), v, `${path}.${k}`, where);
    }
  }
}

for (const obj of objects) {
  const schema = schemas.get(`${obj.apiVersion}/${obj.kind}`);
  if (!schema) continue;
  result.objects++;
  walk(schema, obj, '', `${obj.kind}/${obj.metadata?.name}`);
}
process.stdout.write(JSON.stringify(result));
