/**
 * Documents that are not AsyncAPI documents, as newcomers write them by mistake: each is one
 * `document-invalid` whose message says what is wrong and what to do.
 */
import { describe, expect, it } from 'vitest';

import { reviewTexts } from '../helpers/review.js';

describe('a head that is not an AsyncAPI document', () => {
  it.each([
    ['an empty file', '', 1, /the file is empty; an AsyncAPI document starts with asyncapi:/],
    [
      'a version YAML reads as a number',
      'asyncapi: 3.0\ninfo: {title: T, version: "1"}\n',
      1,
      /asyncapi must be a version string such as "3\.0\.0", not the number 3; quote it/,
    ],
    [
      'an OpenAPI document',
      'openapi: 3.1.0\ninfo: {title: T, version: "1"}\n',
      1,
      /this is an OpenAPI document, not AsyncAPI; leave it out of the files reviewed/,
    ],
    [
      'several YAML documents in one file',
      'asyncapi: 3.0.0\ninfo: {title: T, version: "1"}\n---\nasyncapi: 3.0.0\n',
      3,
      /more than one YAML document \(a line of ---\); an AsyncAPI document is one, so split/,
    ],
  ])('%s', async (_, text, line, reason) => {
    const review = await reviewTexts(null, text);
    expect(review.findings.map((finding) => finding.rule)).toEqual(['document-invalid']);
    expect(review.findings[0]?.location).toMatchObject({ file: 'head.yaml', line });
    expect(review.findings[0]?.message).toMatch(reason);
  });
});

describe('a 2.x operationId that is not a string', () => {
  it('is said in a notice, and the operation is still reviewed', async () => {
    const text = (security: string) =>
      'asyncapi: 2.6.0\ninfo: {title: T, version: "1"}\nchannels:\n  orders:\n    publish:\n' +
      `      operationId: 42\n${security}`;
    const review = await reviewTexts(text('      security: [{key: []}]\n'), text(''));
    expect(review.notices.map((notice) => notice.message)).toContain(
      'orders.publish: operationId must be a string, not 42; the operation is matched by its ' +
        'channel and action only (quote the id)',
    );
    expect(review.notices[0]?.location.line).toBe(6);
  });
});
