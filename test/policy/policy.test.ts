import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/policy/config.js';
import { fingerprintOf } from '../../src/policy/fingerprint.js';
import {
  acceptanceOf,
  applyPolicy,
  describeOrigin,
  findingFingerprint,
  reachesFailOn,
  resolvePolicy,
} from '../../src/policy/policy.js';
import { makeFinding, makeResult } from '../action/factories.js';

const FILE = '.github/asyncapi-security-review.yml';
const TODAY = '2026-12-03';

const weakened = makeFinding({
  rule: 'security-weakened',
  severity: 'high',
  operation: 'getUser',
  server: 'production',
  causes: ['server security changed'],
});
const changed = makeFinding({
  rule: 'security-changed',
  severity: 'medium',
  operation: 'listUsers',
  causes: ['override changed'],
});
const overrideRemoved = makeFinding({
  rule: 'override-removed',
  severity: 'low',
  operation: 'deleteUser',
  causes: ['override removed'],
});

function policyFrom(text: string, overrides = {}) {
  return resolvePolicy(parseConfig(text, FILE), overrides, { file: FILE, from: 'base' });
}

describe('fingerprintOf', () => {
  it('is 16 hex characters that ignore the line, the message and the severity', () => {
    const moved = {
      ...weakened,
      location: { file: 'asyncapi.yaml', line: 99 },
      message: 'other words',
      severity: 'critical' as const,
    };
    expect(fingerprintOf(weakened, 'asyncapi.yaml')).toMatch(/^[0-9a-f]{16}$/);
    expect(fingerprintOf(moved, 'asyncapi.yaml')).toBe(fingerprintOf(weakened, 'asyncapi.yaml'));
  });

  it.each([
    ['rule', { rule: 'security-removed' as const }],
    ['operation', { operation: 'getUsers' }],
    ['server', { server: 'staging' }],
    ['cause', { causes: ['protocol changed' as const] }],
  ])('changes with the %s', (_field, change) => {
    const other = { ...weakened, ...change };
    expect(fingerprintOf(other, 'asyncapi.yaml')).not.toBe(
      fingerprintOf(weakened, 'asyncapi.yaml'),
    );
  });

  it('changes with the document', () => {
    expect(fingerprintOf(weakened, 'a.yaml')).not.toBe(fingerprintOf(weakened, 'b.yaml'));
  });
});

describe('resolvePolicy', () => {
  it('lets the inputs win over the file, and the file over the defaults', () => {
    const text = 'fail-on-severity: medium\nmodel: additive\nfiles: [api/*.yaml]\n';
    expect(policyFrom(text)).toMatchObject({
      failOn: 'medium',
      model: 'additive',
      files: ['api/*.yaml'],
    });
    expect(
      policyFrom(text, { failOn: 'critical', model: 'override', files: ['x.yaml'] }),
    ).toMatchObject({ failOn: 'critical', model: 'override', files: ['x.yaml'] });
    expect(resolvePolicy(null)).toMatchObject({ failOn: 'high', model: 'override', files: [] });
  });

  it('passes severities, rules turned off, strength classes and TLS protocols to the engine', () => {
    const policy = policyFrom(
      [
        'rules: { security-changed: high, override-removed: off }',
        'strength-classes: { gssapi: 3 }',
        'tls-protocols: [solace-secure]',
      ].join('\n'),
    );
    expect(policy.engine).toEqual({
      severities: { 'security-changed': 'high' },
      disabledRules: new Set(['override-removed']),
      strengthClasses: { gssapi: 3 },
      extraTlsProtocols: ['solace-secure'],
    });
    expect([...policy.off]).toEqual(['override-removed']);
  });
});

describe('applyPolicy', () => {
  const config = [
    'rules:',
    '  override-removed: off',
    'accept:',
    '  - rule: security-weakened',
    '    operation: getUser',
    '    reason: OAuth moved to the gateway in front of the broker',
    '    expires: 2027-06-30',
    '  - rule: security-changed',
    '    operation: listUsers',
    '    reason: reviewed in the last release',
    '    expires: 2026-12-02',
    '  - rule: security-removed',
    '    operation: gone',
    '    reason: stale',
    '',
  ].join('\n');

  it('accepts, expires, turns off and notes, and only what is not accepted fails', () => {
    const policy = policyFrom(config);
    const { result, notes } = applyPolicy(
      makeResult([weakened, changed, overrideRemoved]),
      policy,
      TODAY,
    );
    const findings = result.documents[0]?.findings ?? [];

    expect(findings.map((finding) => finding.rule)).toEqual([
      'security-weakened',
      'security-changed',
    ]);
    expect(acceptanceOf(findings[0] ?? weakened)).toEqual({
      by: 'config',
      reason: 'OAuth moved to the gateway in front of the broker',
      expires: '2027-06-30',
      line: 4,
    });
    expect(acceptanceOf(findings[1] ?? changed)).toBeNull();
    expect(findingFingerprint(findings[0] ?? weakened)).toBe(
      fingerprintOf(weakened, 'asyncapi.yaml'),
    );

    expect(notes).toEqual([
      {
        level: 'warning',
        message: expect.stringMatching(
          /^accept entry for security-changed on listUsers expired on 2026-12-02 .*fails the check/,
        ) as string,
        file: FILE,
        line: 8,
      },
      {
        level: 'notice',
        message:
          'accept entry for security-removed on gone matches no finding; remove it if ' +
          'the change is gone.',
        file: FILE,
        line: 12,
      },
    ]);

    expect(reachesFailOn(findings, 'high')).toBe(false);
    expect(reachesFailOn(findings, 'medium')).toBe(true);
  });

  it('applies an entry on its expiry day, and not the day after', () => {
    const policy = policyFrom(config);
    const onTheDay = applyPolicy(makeResult([changed]), policy, '2026-12-02');
    expect(acceptanceOf(onTheDay.result.documents[0]?.findings[0] ?? changed)).not.toBeNull();
    const after = applyPolicy(makeResult([changed]), policy, '2026-12-03');
    expect(acceptanceOf(after.result.documents[0]?.findings[0] ?? changed)).toBeNull();
  });

  it('matches by fingerprint, and by server and file when the entry names them', () => {
    const fingerprint = fingerprintOf(changed, 'asyncapi.yaml');
    const policy = policyFrom(
      [
        'accept:',
        `  - { fingerprint: ${fingerprint}, reason: one finding }`,
        '  - { rule: security-weakened, operation: getUser, server: staging, reason: no }',
        '  - { rule: security-weakened, operation: getUser, file: "other/*.yaml", reason: no }',
      ].join('\n'),
    );
    const { result } = applyPolicy(makeResult([weakened, changed]), policy, TODAY);
    const [first, second] = result.documents[0]?.findings ?? [];
    expect(acceptanceOf(first ?? weakened)).toBeNull();
    expect(acceptanceOf(second ?? changed)?.reason).toBe('one finding');
  });

  it('accepts every finding by label, keeping a config reason where one applies', () => {
    const policy = policyFrom(config, { acceptedByLabel: 'security-reviewed' });
    const { result, notes } = applyPolicy(makeResult([weakened, changed]), policy, TODAY);
    const findings = result.documents[0]?.findings ?? [];
    expect(findings.map((finding) => acceptanceOf(finding)?.by)).toEqual(['config', 'label']);
    expect(acceptanceOf(findings[1] ?? changed)?.reason).toBe(
      'the pull request carries the label "security-reviewed"',
    );
    expect(notes.at(-1)?.message).toMatch(/label "security-reviewed": every finding/);
    expect(reachesFailOn(findings, 'info')).toBe(false);
  });
});

describe('describeOrigin', () => {
  it('says which file and which revision', () => {
    expect(describeOrigin({ file: FILE, from: 'base', revision: 'a'.repeat(40) })).toBe(
      `Configuration: ${FILE} from the base revision (aaaaaaaaaaaa).`,
    );
    expect(describeOrigin({ file: 'policy.yml', from: 'file' })).toBe('Configuration: policy.yml.');
    expect(describeOrigin(null)).toBe('No configuration file: the defaults apply.');
  });
});
