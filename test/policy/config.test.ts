import { describe, expect, it } from 'vitest';
import { ConfigError, parseConfig } from '../../src/policy/config.js';

const FILE = '.github/asyncapi-security-review.yml';

function problemsOf(text: string) {
  try {
    parseConfig(text, FILE);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseConfig', () => {
  it('reads the example of the issue', () => {
    const loaded = parseConfig(
      [
        'fail-on-severity: high',
        'model: override',
        'rules:',
        '  security-changed: high',
        '  override-removed: off',
        'accept:',
        '  - rule: security-weakened',
        '    operation: getUser',
        '    reason: OAuth moved to the gateway in front of the broker',
        '    expires: 2027-06-30',
        '',
      ].join('\n'),
      FILE,
    );

    expect(loaded.config).toEqual({
      'fail-on-severity': 'high',
      model: 'override',
      rules: { 'security-changed': 'high', 'override-removed': 'off' },
      accept: [
        {
          rule: 'security-weakened',
          operation: 'getUser',
          reason: 'OAuth moved to the gateway in front of the broker',
          expires: '2027-06-30',
        },
      ],
    });
    expect(loaded.acceptLines).toEqual([7]);
  });

  it('takes an empty file as no settings', () => {
    expect(parseConfig('', FILE).config).toEqual({});
    expect(parseConfig('# nothing yet\n', FILE).config).toEqual({});
  });

  it.each([
    [
      'a misspelt rule id',
      'model: override\nrules:\n  security-changed: medium\n  security-weaken: high\n',
      {
        key: 'rules.security-weaken',
        line: 4,
        message: /unknown key security-weaken; remove it or fix/,
      },
    ],
    [
      'a severity that does not exist',
      'rules:\n  security-changed: severe\n',
      {
        key: 'rules.security-changed',
        line: 2,
        message: /expected one of critical, high, medium, low, info, off/,
      },
    ],
    [
      'an unknown top-level key',
      'model: override\nfail-on: high\n',
      { key: 'fail-on', line: 2, message: /unknown key fail-on/ },
    ],
    [
      'an accept entry without a reason',
      'accept:\n  - rule: security-weakened\n    operation: getUser\n',
      {
        key: 'accept.0.reason',
        line: 2,
        message: /reason is required: add `reason:` saying why the change is accepted/,
      },
    ],
    [
      'an accept entry without its operation',
      'accept:\n  - rule: security-weakened\n    reason: ok\n',
      { key: 'accept.0.operation', line: 2, message: /add `operation`, or accept one finding/ },
    ],
    [
      'an expiry that is not a date',
      'accept:\n  - fingerprint: 0123456789abcdef\n    reason: ok\n    expires: next june\n',
      { key: 'accept.0.expires', line: 4, message: /YYYY-MM-DD, such as 2027-06-30/ },
    ],
    [
      'a strength class out of range',
      'strength-classes:\n  userPassword: 5\n',
      { key: 'strength-classes.userPassword', line: 2, message: /<=3/ },
    ],
    [
      'broken YAML',
      'rules:\n  security-changed: [high\n',
      { key: '(yaml)', line: 3, message: /fix the YAML syntax/ },
    ],
  ])('refuses %s, naming the key, the line and the fix', (_name, text, expected) => {
    expect(problemsOf(text)).toContainEqual({
      key: expected.key,
      line: expected.line,
      message: expect.stringMatching(expected.message) as string,
    });
  });

  it('puts the file, the line and the key in the error message', () => {
    expect(() => parseConfig('model: strict\n', FILE)).toThrow(
      `${FILE}:1: model: expected one of override, additive.`,
    );
  });

  it('refuses YAML aliases', () => {
    const text = 'files: &globs\n  - a.yaml\naccept:\n  - fingerprint: *globs\n    reason: x\n';
    expect(problemsOf(text)[0]?.message).toMatch(/aliases/);
  });
});
