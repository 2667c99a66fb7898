/**
 * A validator for the SARIF 2.1.0 JSON schema, the schema file Microsoft ships in
 * @microsoft/jest-sarif (a dev dependency). Shared by the SARIF renderer's tests and the
 * Action's integration test, which validates the file `sarif-file` writes.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { Ajv } from 'ajv';
import addFormats from 'ajv-formats';

const require = createRequire(import.meta.url);
const SCHEMA_PATH = require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json');

/**
 * The schema is written for draft-04 (`id`, `$schema` draft-04) but uses nothing that differs
 * from draft-07 (no boolean exclusiveMinimum), so Ajv 8 checks it once those two are removed.
 * Its `language` pattern ends in a stray `]`, valid only without the `u` flag, as the schema's
 * own tools compile it: hence `unicodeRegExp: false`.
 */
export function sarifValidator() {
  const schema = JSON.parse(readFileSync(SCHEMA_PATH, 'utf8')) as Record<string, unknown>;
  delete schema.$schema;
  delete schema.id;
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv);
  return ajv.compile(schema);
}
