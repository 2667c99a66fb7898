import { readFileSync } from 'node:fs';
import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configJsonSchema } from '../../src/policy/schema.js';

const committed = JSON.parse(
  readFileSync('schema/asyncapi-security-review.schema.json', 'utf8'),
) as Record<string, unknown>;

function validator() {
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats.default(ajv);
  return ajv.compile(committed);
}

describe('the published JSON Schema of the configuration file', () => {
  it('equals a fresh generation (run node scripts/generate-config-schema.mjs)', () => {
    expect(committed).toEqual(configJsonSchema());
  });

  it('accepts the documented example and refuses what the loader refuses', () => {
    const validate = validator();
    const example = parse(
      [
        'fail-on-severity: high',
        'rules: { security-changed: high, override-removed: off }',
        'strength-classes: { gssapi: 3 }',
        'tls-protocols: [solace-secure]',
        'accept:',
        '  - { rule: security-weakened, operation: getUser, reason: gateway, expires: 2027-06-30 }',
        '  - { fingerprint: 0123456789abcdef, reason: reviewed }',
      ].join('\n'),
    ) as unknown;
    expect(validate(example), JSON.stringify(validate.errors)).toBe(true);

    expect(validate({ rules: { 'security-weaken': 'high' } })).toBe(false);
    expect(validate({ accept: [{ rule: 'security-weakened', reason: 'x' }] })).toBe(false);
    expect(validate({ accept: [{ fingerprint: '0123456789abcdef' }] })).toBe(false);
  });
});
