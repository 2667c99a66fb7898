/**
 * The configuration file's schema (`.github/asyncapi-security-review.yml`): one zod schema that
 * validates the file and, through `z.toJSONSchema`, generates the JSON Schema published in
 * `schema/asyncapi-security-review.schema.json` for editors (scripts/generate-config-schema.mjs).
 */
import { z } from 'zod';
import { SEVERITIES, type RuleId } from '../compare/finding.js';
import { RULES } from '../compare/rules.js';

export const CONFIG_FAIL_ON_LEVELS = [...SEVERITIES, 'none'] as const;
export const CONFIG_MODELS = ['override', 'additive'] as const;
export const RULE_SETTINGS = [...SEVERITIES, 'off'] as const;
export type RuleSetting = (typeof RULE_SETTINGS)[number];

export const RULE_IDS = [...RULES.keys()] as [RuleId, ...RuleId[]];

export const REPOSITORY_URL =
  'https://github.com/asyncapi-security-review/asyncapi-security-review';

/** Where editors fetch the published JSON Schema (raw, so it is served as JSON). */
export const CONFIG_SCHEMA_URL =
  'https://raw.githubusercontent.com/asyncapi-security-review/asyncapi-security-review/main/' +
  'schema/asyncapi-security-review.schema.json';

/** Identifiers, globs and reasons stay short: a config file is reviewed by people. */
const MAX_TEXT = 500;

const ruleSetting = z
  .enum(RULE_SETTINGS)
  .describe('The severity this rule reports with, or `off` to drop its findings.');

const rulesSchema = z
  .strictObject(
    Object.fromEntries(
      RULE_IDS.map((id) => [id, ruleSetting.optional().describe(RULES.get(id)?.why ?? '')]),
    ) as Record<RuleId, z.ZodOptional<typeof ruleSetting>>,
  )
  .describe('Severity per rule id, over the defaults of the rule catalog, or `off`.');

const acceptEntrySchema = z
  .strictObject({
    fingerprint: z
      .string()
      .regex(/^[0-9a-f]{16}$/, 'a fingerprint is 16 lowercase hexadecimal characters')
      .optional()
      .describe('The fingerprint of one finding, as the report shows it.'),
    rule: z.enum(RULE_IDS).optional().describe('The rule id of the finding to accept.'),
    operation: z
      .string()
      .min(1)
      .max(MAX_TEXT)
      .optional()
      .describe('The operation id, or `<channel> <action>` for an operation without one.'),
    server: z
      .string()
      .min(1)
      .max(MAX_TEXT)
      .optional()
      .describe('Only the finding through this server; absent: through any server.'),
    file: z
      .string()
      .min(1)
      .max(MAX_TEXT)
      .optional()
      .describe('Only findings in this document (a path or glob from the repository root).'),
    reason: z
      .string()
      .trim()
      .min(1, 'give the reason the change is accepted, for the people who read the report')
      .max(MAX_TEXT)
      .describe('Why the change is accepted; shown with the finding in every report.'),
    expires: z.iso
      .date()
      .optional()
      .describe('Last day (YYYY-MM-DD, UTC) the entry applies; after it, it warns and stops.'),
  })
  .superRefine((entry, context) => {
    if (entry.fingerprint !== undefined) return;
    for (const key of ['rule', 'operation'] as const) {
      if (entry[key] === undefined) {
        context.addIssue({
          code: 'custom',
          path: [key],
          message: `add \`${key}\`, or accept one finding by its \`fingerprint\``,
        });
      }
    }
  })
  .meta({ anyOf: [{ required: ['fingerprint'] }, { required: ['rule', 'operation'] }] })
  .describe('A reviewed finding that no longer fails the check; it stays visible, marked.');

export const configSchema = z
  .strictObject({
    $schema: z.string().optional().describe('The JSON Schema of this file, for editors.'),
    'fail-on-severity': z
      .enum(CONFIG_FAIL_ON_LEVELS)
      .optional()
      .describe('Fail when a finding not accepted reaches this severity (default high).'),
    model: z
      .enum(CONFIG_MODELS)
      .optional()
      .describe(
        "How operation security combines with server security: override (the operation's " +
          'own replaces the server’s, the default) or additive (both apply).',
      ),
    files: z
      .array(z.string().min(1).max(MAX_TEXT))
      .optional()
      .describe('Globs of the documents to review (`!` excludes); the Action input overrides.'),
    rules: rulesSchema.optional(),
    'strength-classes': z
      .record(z.string().min(1).max(100), z.int().min(1).max(3))
      .optional()
      .describe(
        'Strength class per scheme type (`http:<scheme>` for http): 1 a secret sent as is, ' +
          '2 a challenge or token, 3 a delegated or cryptographic identity.',
      ),
    'tls-protocols': z
      .array(z.string().regex(/^[a-z][a-z0-9+.-]*$/, 'a protocol name is lowercase, like mqtts'))
      .optional()
      .describe('Protocol names that carry TLS, added to mqtts, wss, https, amqps, ...'),
    accept: z.array(acceptEntrySchema).optional(),
  })
  .describe('Configuration of AsyncAPI Security Review.');

export type ConfigFile = z.output<typeof configSchema>;
export type AcceptEntry = z.output<typeof acceptEntrySchema>;

/** The JSON Schema published for editors; the committed file must equal this. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { target: 'draft-2020-12', io: 'input' }),
    $id: CONFIG_SCHEMA_URL,
    title: 'AsyncAPI Security Review configuration',
  };
}
