/**
 * Every folder of test/fixtures/cases is a base/head pair with the findings it must give
 * (see the README there): rule, operation, server, and the head line to read.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import type { SecurityModel } from '../../src/compare/finding.js';
import { RULES } from '../../src/compare/rules.js';
import { reviewFiles } from '../helpers/review.js';

interface ExpectedFinding {
  rule: string;
  operation: string;
  server: string | null;
  headLine?: number;
  message?: string;
}

interface CaseExpectation {
  description: string;
  model?: SecurityModel;
  baseFile?: string;
  headFile?: string;
  findings: ExpectedFinding[];
}

const casesRoot = join(import.meta.dirname, '..', 'fixtures', 'cases');
const cases = readdirSync(casesRoot).filter((name) =>
  existsSync(join(casesRoot, name, 'expect.json')),
);

function documentIn(folder: string, given: string | undefined, stem: string): string {
  if (given) return join(folder, given);
  const found = ['yaml', 'yml', 'json']
    .map((ext) => join(folder, `${stem}.${ext}`))
    .find(existsSync);
  if (!found) throw new Error(`${folder} has no ${stem} document`);
  return found;
}

describe('fixture cases', () => {
  it('has cases', () => {
    expect(cases.length).toBeGreaterThan(40);
  });

  it.each(cases)('%s', async (name) => {
    const folder = join(casesRoot, name);
    expect(statSync(folder).isDirectory()).toBe(true);
    const expectation = JSON.parse(
      readFileSync(join(folder, 'expect.json'), 'utf8'),
    ) as CaseExpectation;

    const review = await reviewFiles(
      documentIn(folder, expectation.baseFile, 'base'),
      documentIn(folder, expectation.headFile, 'head'),
      expectation.model ?? 'override',
    );

    const actual = review.findings.map((finding) => ({
      rule: finding.rule,
      operation: finding.operation,
      server: finding.server,
    }));
    const expected = expectation.findings.map(({ rule, operation, server }) => ({
      rule,
      operation,
      server,
    }));
    type Key = { rule: string; operation: string | null; server: string | null };
    const order = (a: Key, b: Key) => JSON.stringify(a).localeCompare(JSON.stringify(b));
    expect(actual.sort(order)).toEqual(expected.sort(order));

    for (const wanted of expectation.findings) {
      const finding = review.findings.find(
        (f) =>
          f.rule === wanted.rule && f.operation === wanted.operation && f.server === wanted.server,
      );
      expect(finding?.severity).toBe(finding && RULES.get(finding.rule)?.severity);
      if (wanted.headLine !== undefined) expect(finding?.location.line).toBe(wanted.headLine);
      if (wanted.message !== undefined) expect(finding?.message).toBe(wanted.message);
    }
  });
});

describe('rule coverage by the fixture cases', () => {
  const expectations = cases.map((name) => ({
    name,
    expectation: JSON.parse(
      readFileSync(join(casesRoot, name, 'expect.json'), 'utf8'),
    ) as CaseExpectation,
  }));

  it.each([...RULES.keys()])('%s has a 2.x and a 3.x case asserting its sentence', (rule) => {
    const withSentence = expectations.filter(({ expectation }) =>
      expectation.findings.some((finding) => finding.rule === rule && finding.message),
    );
    expect(withSentence.some(({ name }) => name.includes('-v2-'))).toBe(true);
    expect(withSentence.some(({ name }) => name.includes('-v3-'))).toBe(true);
  });
});
