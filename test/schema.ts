import { readFileSync, readdirSync } from 'fs';
import { join } from 'path';
import Ajv, { ValidateFunction } from 'ajv';
import { parseAllDocuments } from 'yaml';

/**
 * Validates synthesized objects against the upstream schemas in
 * imports/sources: the Kubernetes 1.28 definitions for core kinds and each
 * CRD's openAPIV3Schema. A kind with no schema is an error, not a pass.
 */
const SOURCES = join(__dirname, '..', 'imports', 'sources');

const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
const validators = new Map<string, ValidateFunction>();

const k8s = JSON.parse(readFileSync(join(SOURCES, 'kubernetes', 'v1.28.0-definitions.json'), 'utf8'));
ajv.addSchema({ $id: 'k8s.json', definitions: k8s.definitions });
for (const [name, def] of Object.entries<any>(k8s.definitions)) {
  for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
    const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
    validators.set(`${apiVersion}/${gvk.kind}`, ajv.compile({ $ref: `k8s.json#/definitions/${name}` }));
  }
}

const crdRoot = join(SOURCES, 'crds');
for (const group of readdirSync(crdRoot)) {
  for (const file of readdirSync(join(crdRoot, group)).filter(f => f.endsWith('.yaml'))) {
    for (const doc of parseAllDocuments(readFileSync(join(crdRoot, group, file), 'utf8'))) {
      const crd = doc.toJS();
      if (crd?.kind !== 'CustomResourceDefinition') continue;
      for (const version of crd.spec.versions) {
        const key = `${crd.spec.group}/${version.name}/${crd.spec.names.kind}`;
        validators.set(key, ajv.compile(version.schema.openAPIV3Schema));
      }
    }
  }
}

/** Returns one line per schema violation (empty when valid). */
export function schemaErrors(obj: any): string[] {
  const key = `${obj.apiVersion}/${obj.kind}`;
  const validate = validators.get(key);
  if (!validate) return [`${key}: no schema in imports/sources for this kind`];
  if (validate(obj)) return [];
  return (validate.errors ?? []).map(e => `${key} ${obj.metadata?.name}: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`);
}
