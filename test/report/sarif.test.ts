/**
 * The SARIF log validates against the SARIF 2.1.0 JSON schema (the schema file Microsoft ships
 * in @microsoft/jest-sarif, a dev dependency) and carries what code scanning reads.
 */
import { join } from 'node:path';
import type * as Sarif from 'sarif';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/compare/rules.js';
import { parseConfig } from '../../src/policy/config.js';
import { FINGERPRINT_VERSION } from '../../src/policy/fingerprint.js';
import { applyPolicy, resolvePolicy } from '../../src/policy/policy.js';
import { pathToUri, renderSarif, ruleDocumentationUrl, toSarif } from '../../src/report/sarif.js';
import { makeFinding, makeResult } from '../action/factories.js';
import { reviewFiles } from '../helpers/review.js';
import { sarifValidator } from '../helpers/sarif-schema.js';

const validate = sarifValidator();

function expectValid(log: unknown): void {
  const valid = validate(log);
  expect(valid, JSON.stringify(validate.errors, null, 2)).toBe(true);
}

const cases = join(import.meta.dirname, '..', 'fixtures', 'cases');

describe('renderSarif', () => {
  it('validates against the SARIF 2.1.0 schema, with and without findings', () => {
    expectValid(toSarif(makeResult([])));
    expectValid(
      toSarif(
        makeResult([
          makeFinding(),
          makeFinding({
            severity: 'info',
            rule: 'security-strengthened',
            baseLocation: { file: 'old dir/asyncapi.yaml', line: 3 },
            location: { file: 'asyncapi.yaml', line: 4, column: 7 },
          }),
          makeFinding({ operation: null, channel: null, action: null, server: null }),
        ]),
      ),
    );
    // An invalid log is refused, so the check above means something.
    expect(validate({ version: '2.1.0', runs: [{ tool: {} }] })).toBe(false);
  });

  it('lists every rule of the catalog with help and a link to its page', () => {
    const log = toSarif(makeResult([]));
    const rules = log.runs[0]?.tool.driver.rules ?? [];
    expect(rules.map((rule) => rule.id)).toEqual([...RULES.keys()]);
    const removed = rules.find((rule) => rule.id === 'security-removed');
    expect(removed).toMatchObject({
      name: 'SecurityRemoved',
      shortDescription: { text: 'Security removed' },
      helpUri: ruleDocumentationUrl('security-removed'),
      defaultConfiguration: { level: 'error' },
      properties: { 'security-severity': '9.5', tags: ['security', 'asyncapi'] },
    });
    expect(removed?.help?.markdown).toContain('docs/rules/security-removed.md');
    expect(
      rules.find((rule) => rule.id === 'security-strengthened')?.properties,
    ).not.toHaveProperty('security-severity');
  });

  it('reports a real finding at its head line with a partial fingerprint', async () => {
    const folder = join(cases, 'security-removed-v2-server-security-deleted');
    const review = await reviewFiles(join(folder, 'base.yaml'), join(folder, 'head.yaml'));
    const policy = resolvePolicy(null);
    const { result } = applyPolicy(
      { model: 'override', documents: [review] },
      policy,
      '2026-12-03',
    );
    const log = JSON.parse(renderSarif(result)) as Sarif.Log;
    expectValid(log);

    const [finding] = log.runs[0]?.results ?? [];
    expect(finding).toMatchObject({
      ruleId: 'security-removed',
      level: 'error',
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: 'head.yaml' },
            region: { startLine: 6 },
          },
        },
      ],
      relatedLocations: [{ physicalLocation: { artifactLocation: { uri: 'base.yaml' } } }],
      properties: { 'security-severity': '9.5', server: 'production' },
      suppressions: [],
    });
    const fingerprint = finding?.partialFingerprints?.[FINGERPRINT_VERSION];
    expect(fingerprint).toMatch(/^[0-9a-f]{16}$/);
    expect(finding?.properties?.fingerprint).toBe(fingerprint);
  });

  it('reports accepted findings as suppressions with their reason, and policy notes', () => {
    const file = '.github/asyncapi-security-review.yml';
    const policy = resolvePolicy(
      parseConfig(
        [
          'accept:',
          '  - { rule: security-removed, operation: sendOrder, reason: "gateway; see #12" }',
          '  - { rule: security-removed, operation: old, reason: x, expires: 2020-01-01 }',
        ].join('\n'),
        file,
      ),
      {},
      { file, from: 'base' },
    );
    const { result, notes } = applyPolicy(makeResult([makeFinding()]), policy, '2026-12-03');
    const log = toSarif(result, { notes, origin: policy.origin });
    expectValid(log);

    expect(log.runs[0]?.results?.[0]?.suppressions).toEqual([
      {
        kind: 'external',
        status: 'accepted',
        justification: 'gateway; see #12',
        properties: { acceptedBy: 'configuration file' },
      },
    ]);
    expect(log.runs[0]?.invocations?.[0]?.toolConfigurationNotifications).toEqual([
      expect.objectContaining({
        level: 'warning',
        locations: [
          {
            physicalLocation: {
              artifactLocation: { uri: '.github/asyncapi-security-review.yml' },
              region: { startLine: 3 },
            },
          },
        ],
      }),
    ]);
    expect(log.runs[0]?.properties?.configuration).toBe(
      `Configuration: ${file} from the base revision.`,
    );
  });

  it('escapes embedded links in message text: results and notifications', () => {
    const link = '[click](https://evil.example) \\';
    const result = makeResult([
      makeFinding({ message: `Operation ${link} is open.`, before: link, after: 'anonymous' }),
    ]);
    const document = result.documents[0];
    if (document === undefined) throw new Error('no document');
    document.notices.push({
      message: `server ${link} names no protocol`,
      location: { file: 'asyncapi.yaml', line: 3 },
    });
    const notes = [{ level: 'notice' as const, message: `label ${link}`, file: null, line: null }];
    const log = JSON.parse(renderSarif(result, { notes })) as Sarif.Log;
    expectValid(log);

    const run = log.runs[0];
    const escaped = '\\[click\\](https://evil.example) \\\\';
    const texts = [
      run?.results?.[0]?.message.text,
      run?.invocations?.[0]?.toolExecutionNotifications?.[0]?.message.text,
      run?.invocations?.[0]?.toolConfigurationNotifications?.[0]?.message.text,
    ];
    expect(texts[0]).toBe(`Operation ${escaped} is open. Before: ${escaped}. After: anonymous.`);
    expect(texts[1]).toBe(`server ${escaped} names no protocol`);
    expect(texts[2]).toBe(`label ${escaped}`);
    // No bracket or backslash is left unescaped, so no viewer finds a link.
    for (const text of texts) expect(text?.replace(/\\[\\[\]]/g, '')).not.toMatch(/[[\]\\]/);
    // The properties keep the value exactly.
    expect(run?.results?.[0]?.properties?.before).toBe(link);
  });

  it('percent-encodes file names into URI references', () => {
    expect(pathToUri('api docs/a#b?.yaml')).toBe('api%20docs/a%23b%3F.yaml');
  });
});
