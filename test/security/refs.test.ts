/**
 * `$ref`s that point where a review must never read: URLs of any scheme, absolute paths, paths
 * that climb out of the root, symbolic links that leave it, and cycles. Each is a finding that
 * names the ref and the reason, and the target's content reaches no output.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';

import type { DocumentReview } from '../../src/compare/finding.js';
import { asyncapi3, CANARY, createWorkspace, SECRET_DOCUMENT, type Workspace } from './fixtures.js';
import { expectAbsent, expectInert, renderAll } from './outputs.js';

let workspace: Workspace;
afterEach(() => workspace.cleanup());

// A local server that would hand out the canary: the test proves it is never asked.
let server: Server;
let serverUrl: string;
const requests: string[] = [];
beforeAll(async () => {
  server = createServer((request, response) => {
    requests.push(request.url ?? '');
    response.end(`components: {securitySchemes: {cert: {type: X509, description: ${CANARY}}}}`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  serverUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

function headWithSchemeRef(ref: string): string {
  return asyncapi3({ serverSecurity: [`{$ref: ${JSON.stringify(ref)}}`] });
}

/** One unresolved-reference finding that names the ref and says why. */
async function expectRefused(review: DocumentReview, ref: string, reason: RegExp) {
  expect(review.findings).toHaveLength(1);
  const [finding] = review.findings;
  expect(finding?.rule).toBe('security-reference-unresolved');
  expect(finding?.message).toContain(ref);
  expect(finding?.message).toMatch(reason);

  const outputs = await renderAll(review);
  expectAbsent(outputs, [CANARY]);
  expectInert(outputs, 1);
  return outputs;
}

describe('a $ref to a URL', () => {
  it.each([
    ['http', () => `${serverUrl}/schemes.yaml#/components/securitySchemes/cert`],
    ['https', () => 'https://127.0.0.1:1/schemes.yaml#/components/securitySchemes/cert'],
    ['file:', () => `file://${workspace.secretPath}#/components/securitySchemes/cert`],
    // The payload is base64: decoding it would be the leak.
    ['data:', () => `data:text/yaml;base64,${Buffer.from(SECRET_DOCUMENT).toString('base64')}`],
    ['protocol-relative', () => `//127.0.0.1/schemes.yaml#/components/securitySchemes/cert`],
  ])('is refused and never fetched (%s)', async (_scheme, makeRef) => {
    workspace = createWorkspace();
    requests.length = 0;
    const ref = makeRef();
    const review = await workspace.review(headWithSchemeRef(ref));

    const reason = ref.startsWith('//') ? /absolute paths are refused/ : /URLs are not fetched/;
    await expectRefused(review, ref, reason);
    expect(requests).toEqual([]);
  });
});

describe('a $ref to a file outside the root', () => {
  it('refuses an absolute path', async () => {
    workspace = createWorkspace();
    const ref = `${workspace.secretPath}#/components/securitySchemes/cert`;
    const review = await workspace.review(headWithSchemeRef(ref));
    await expectRefused(review, ref, /absolute paths are refused/);
  });

  it('refuses a path that climbs out with ../', async () => {
    workspace = createWorkspace();
    const ref = '../secret.yaml#/components/securitySchemes/cert';
    const review = await workspace.review(headWithSchemeRef(ref));
    await expectRefused(review, ref, /leaves the repository root/);
  });

  it('refuses ../ hidden behind a folder that exists', async () => {
    workspace = createWorkspace();
    workspace.write('specs/readme.md', 'x');
    const ref = 'specs/../../secret.yaml#/components/securitySchemes/cert';
    const review = await workspace.review(headWithSchemeRef(ref));
    await expectRefused(review, ref, /leaves the repository root/);
  });

  it('refuses a symbolic link that leaves the root', async () => {
    workspace = createWorkspace();
    workspace.symlink('schemes/link.yaml', workspace.secretPath);
    const ref = 'schemes/link.yaml#/components/securitySchemes/cert';
    const review = await workspace.review(headWithSchemeRef(ref));
    await expectRefused(review, ref, /resolves outside .* and was not read/);
  });

  it('refuses a path with a NUL byte instead of crashing', async () => {
    workspace = createWorkspace();
    const ref = 'a\u0000b.yaml#/components/securitySchemes/cert';
    const review = await workspace.review(headWithSchemeRef(ref));
    expect(review.findings.map((finding) => finding.rule)).toEqual([
      'security-reference-unresolved',
    ]);
    expect(review.findings[0]?.message).toMatch(/NUL character/);
    expectInert(await renderAll(review), 1);
  });
});

describe('circular references', () => {
  it.each([
    [
      'a scheme that refers to itself',
      "{$ref: '#/components/securitySchemes/loop'}",
      "    loop: {$ref: '#/components/securitySchemes/loop'}\n",
      '#/components/securitySchemes/loop',
      [],
    ],
    [
      'two schemes that refer to each other',
      "{$ref: '#/components/securitySchemes/a'}",
      "    a: {$ref: '#/components/securitySchemes/b'}\n" +
        "    b: {$ref: '#/components/securitySchemes/a'}\n",
      '#/components/securitySchemes/a',
      [],
    ],
    [
      'a cycle across two files',
      "{$ref: 'one.yaml#/cert'}",
      '',
      'one.yaml#/cert',
      [
        ['one.yaml', "cert: {$ref: 'two.yaml#/cert'}\n"],
        ['two.yaml', "cert: {$ref: 'one.yaml#/cert'}\n"],
      ],
    ],
  ])('terminate with a finding: %s', async (_name, security, schemes, ref, files) => {
    workspace = createWorkspace();
    for (const [path, content] of files) workspace.write(path ?? '', content ?? '');
    const review = await workspace.review(asyncapi3({ serverSecurity: [security], schemes }));
    await expectRefused(review, ref, /circular/);
  });

  it('terminate when a channel refers to itself', async () => {
    workspace = createWorkspace();
    const head = asyncapi3({
      extra: "x-loop: {$ref: '#/x-loop'}\n",
    }).replace('address: "orders"', "address: orders\n    servers: [{$ref: '#/channels/orders'}]");
    const review = await workspace.review(head);
    expect(review.findings.length).toBeGreaterThan(0);
    expectInert(await renderAll(review), review.findings.length);
  });
});
