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

  // Nothing outside the root was read: every file read is a root-relative path.
  for (const path of [...review.filesRead.base, ...review.filesRead.head]) {
    expect(path).not.toMatch(/^(\.\.(\/|$)|\/|[a-z][a-z0-9+.-]*:)/i);
  }

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
    ['upper case', () => `${serverUrl.toUpperCase()}/schemes.yaml#/cert`],
    ['ftp:', () => 'ftp://127.0.0.1/schemes.yaml#/components/securitySchemes/cert'],
    ['a scheme without slashes', () => 'urn:example:schemes#/components/securitySchemes/cert'],
    ['git+ssh:', () => 'git+ssh://git@127.0.0.1/repo.git#/components/securitySchemes/cert'],
    // A drive letter reads as a scheme: refused as a URL, which it could be.
    ['a Windows drive', () => 'C:\\secret.yaml#/components/securitySchemes/cert'],
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

describe('a $ref that only looks like a URL after blanks', () => {
  it('is a path inside the root, read from the revision or not at all, never fetched', async () => {
    workspace = createWorkspace();
    requests.length = 0;
    const ref = ` ${serverUrl}/schemes.yaml#/components/securitySchemes/cert`;
    const review = await workspace.review(headWithSchemeRef(ref));
    await expectRefused(review, ref, /does not exist/);
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
    await expectRefused(review, ref, /leaves the root folder the review may read/);
  });

  it('refuses ../ hidden behind a folder that exists', async () => {
    workspace = createWorkspace();
    workspace.write('specs/readme.md', 'x');
    const ref = 'specs/../../secret.yaml#/components/securitySchemes/cert';
    const review = await workspace.review(headWithSchemeRef(ref));
    await expectRefused(review, ref, /leaves the root folder the review may read/);
  });

  it('refuses ../ spelled with backslashes', async () => {
    workspace = createWorkspace();
    const ref = '..\\secret.yaml#/components/securitySchemes/cert';
    const review = await workspace.review(headWithSchemeRef(ref));
    await expectRefused(review, ref, /leaves the root folder the review may read/);
  });

  it('refuses a UNC path', async () => {
    workspace = createWorkspace();
    const ref = '\\\\127.0.0.1\\share\\secret.yaml#/components/securitySchemes/cert';
    const review = await workspace.review(headWithSchemeRef(ref));
    await expectRefused(review, ref, /absolute paths are refused/);
  });

  it('does not decode %2e%2e into a climb: it names a folder of that name', async () => {
    workspace = createWorkspace();
    const ref = '%2e%2e/secret.yaml#/components/securitySchemes/cert';
    const review = await workspace.review(headWithSchemeRef(ref));
    await expectRefused(review, ref, /%2e%2e\/secret\.yaml:1: the file does not exist/);
  });

  it('refuses a climb written in a file the document references', async () => {
    workspace = createWorkspace();
    const climb = '../../secret.yaml#/components/securitySchemes/cert';
    workspace.write('schemes/index.yaml', `cert: {$ref: '${climb}'}\n`);
    const review = await workspace.review(headWithSchemeRef('schemes/index.yaml#/cert'));
    // The finding names the ref that failed and points at the file and line that wrote it.
    await expectRefused(review, climb, /leaves the root folder the review may read/);
    expect(review.findings[0]?.location).toMatchObject({ file: 'schemes/index.yaml', line: 1 });
  });

  it('refuses a symbolic link that leaves the root', async () => {
    workspace = createWorkspace();
    workspace.symlink('schemes/link.yaml', workspace.secretPath);
    const ref = 'schemes/link.yaml#/components/securitySchemes/cert';
    const review = await workspace.review(headWithSchemeRef(ref));
    await expectRefused(review, ref, /resolves outside .* and was not read/);
  });

  it('refuses a path through a linked folder that leaves the root', async () => {
    workspace = createWorkspace();
    workspace.symlink('schemes', workspace.outside);
    const ref = 'schemes/secret.yaml#/components/securitySchemes/cert';
    const review = await workspace.review(headWithSchemeRef(ref));
    await expectRefused(review, ref, /resolves outside .* and was not read/);
  });

  // A folder is the CLI's root: a link that stays inside it is read like the file it names
  // (git revisions refuse every link instead: test/git/faults.test.ts).
  it('follows a symbolic link that stays inside the root', async () => {
    workspace = createWorkspace();
    workspace.write('schemes/real.yaml', 'cert: {type: X509}\n');
    workspace.symlink('schemes/link.yaml', 'real.yaml');
    const review = await workspace.review(headWithSchemeRef('schemes/link.yaml#/cert'));
    expect(review.findings).toEqual([]);
  });

  it('reads nothing outside the root for a $ref the review does not follow', async () => {
    workspace = createWorkspace();
    const head = asyncapi3({ extra: "x-payload: {$ref: '../secret.yaml'}\n" });
    const review = await workspace.review(head);
    // Not a security reference, so no finding; and the file was not read either.
    expect(review.findings).toEqual([]);
    expect(review.filesRead.head).toEqual(['head.yaml']);
    expectAbsent(await renderAll(review), [CANARY]);
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
