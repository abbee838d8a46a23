import { schemaErrors } from './schema';

// The validator must be able to fail, or every schema assertion is vacuous.
describe('schema validator', () => {
  test('rejects a wrong field type in an InferenceService', () => {
    const bad = { apiVersion: 'serving.kserve.io/v1beta1', kind: 'InferenceService', metadata: { name: 'x' }, spec: { predictor: { minReplicas: 'zero' } } };
    expect(schemaErrors(bad).join('\n')).toMatch(/\/spec\/predictor\/minReplicas must be integer/);
  });

  test('rejects a core object missing a required field', () => {
    const bad = { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'x' } };
    expect(schemaErrors(bad).join('\n')).toMatch(/must have required property 'value'/);
  });

  test('fails a kind it has no schema for', () => {
    expect(schemaErrors({ apiVersion: 'example.com/v1', kind: 'Widget' })).toEqual(['example.com/v1/Widget: no schema in imports/sources for this kind']);
  });

  test('accepts a valid object', () => {
    expect(schemaErrors({ apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'x' }, value: 10 })).toEqual([]);
  });
});
