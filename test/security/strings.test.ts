/**
 * Names a pull request author controls (servers, operations, channel addresses, schemes, file
 * names) carrying markdown, HTML, the comment marker, workflow commands, line breaks, encoded
 * line breaks and terminal escapes. Each reaches every output as inert text, and the JSON keeps
 * it exactly.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';

import { reviewDocument } from '../../src/engine.js';
import { FolderSource } from '../../src/load/folder.js';
import { asyncapi3, createWorkspace, type Workspace } from './fixtures.js';
import { expectInert, MARKER, renderAll } from './outputs.js';

let workspace: Workspace;
afterEach(() => workspace.cleanup());

const HOSTILE: [string, string][] = [
  ['a markdown link', '[click me](https://evil.example/steal)'],
  ['an image', '![pixel](https://evil.example/p.png)'],
  ['HTML', '<img src=x onerror=alert(1)><script>alert(1)</script><b>bold</b>'],
  ['the comment marker', MARKER],
  ['table pipes', 'a | b | c'],
  ['backticks', '``` fence ` tick ````'],
  ['a workflow command', '::error::forged annotation'],
  ['an old-style workflow command', 'x ##[error]forged ##[set-output name=failed;]false'],
  ['a newline and a command', 'ok\n::error file=README.md::forged\n##[warning]forged'],
  ['an encoded newline', 'ok%0A::error::forged%0D%25'],
  ['ANSI escapes', '\u001b[2J\u001b[31mred\u001b[0m \u001b]8;;https://evil.example\u0007link'],
  ['C1 controls and line separators', 'a\u009b31mb\u0085c\u2028d'],
  ['a mention and an issue reference', '@octo-org/admins see #1 www.evil.example'],
  ['a bare URL and autolinks', 'https://evil.example/x <https://evil.example/y> a@evil.example'],
  ['a link reference definition', '[x]: https://evil.example\n[click][x] [x]'],
  ['a javascript: link', '[x](javascript:alert(1)) <javascript:alert(1)>'],
  ['HTML entities', '&lt;script&gt; &#x3C;img src=x onerror=alert(1)&#x3E; &amp;lt;'],
  ['block markdown', '# Heading\n- item\n> quote\n---\n    indented code\n| a | b |\n|---|---|'],
  ['a closing comment and details', '--> </details></summary></td></tr></table> <!-- x'],
  ['a carriage return and a command', 'ok\r::error::forged\r\n  ::stop-commands::token'],
];

describe('a hostile string in every name', () => {
  it.each(HOSTILE)('stays inert in every output: %s', async (_kind, hostile) => {
    workspace = createWorkspace(
      asyncapi3({
        serverName: hostile,
        operationId: hostile,
        channelKey: 'orders',
        address: hostile,
        serverSecurity: [
          `{$ref: ${JSON.stringify(`#/components/securitySchemes/${pointer(hostile)}`)}}`,
        ],
        schemes: `    ${JSON.stringify(hostile)}: {type: userPassword}\n`,
      }),
    );
    const review = await workspace.review(
      asyncapi3({
        serverName: hostile,
        operationId: hostile,
        address: hostile,
        serverSecurity: [],
      }),
    );

    // The finding: the operation lost its security.
    expect(review.findings.map((finding) => finding.rule)).toEqual(['security-removed']);
    const outputs = await renderAll(review);
    expectInert(outputs, 1);

    // The JSON keeps every name exactly: escaping happens in the sinks, never in the data.
    const json = JSON.parse(outputs.json) as {
      findings: { operation: string; server: string; channel: string; before: string }[];
    };
    expect(json.findings[0]).toMatchObject({
      operation: hostile,
      server: hostile,
      channel: hostile,
    });

    // Encoded line breaks stay text in annotations: @actions/core encodes the percent sign.
    if (hostile.includes('%0A')) expect(outputs.annotations).toContain('%250A');
    // One marker, on the first line of the comment only.
    expect(outputs.comment.split(MARKER)).toHaveLength(2);
  });
});

describe('a hostile file name', () => {
  it.each([
    ['a workflow command', '::error::forged.yaml'],
    ['an old-style command', 'x##[warning]forged.yaml'],
    ['a newline', 'docs\n::error::forged.yaml'],
    ['markdown and a pipe', '[x](https:evil)|<b>.yaml'],
    ['a carriage return', 'docs\r::warning::forged.yaml'],
    ['a backtick fence', '```x`.yaml'],
  ])('stays inert in every output: %s', async (_kind, name) => {
    workspace = createWorkspace(null);
    const side = (folder: string, content: string) => {
      mkdirSync(join(workspace.root, folder, 'specs'), { recursive: true });
      writeFileSync(join(workspace.root, folder, 'specs', name), content);
      return { source: new FolderSource(join(workspace.root, folder)), path: `specs/${name}` };
    };
    const base = side('base', asyncapi3());
    const head = side('head', asyncapi3({ serverSecurity: [] }));
    const review = await reviewDocument(base, head, { model: 'override' });

    expect(review.findings.map((finding) => finding.rule)).toEqual(['security-removed']);
    expect(review.findings[0]?.location.file).toBe(`specs/${name}`);
    expectInert(await renderAll(review), 1);
  });
});

describe('a hostile name in a notice', () => {
  it.each(HOSTILE)('stays inert in every output: %s', async (_kind, hostile) => {
    workspace = createWorkspace();
    // A server without a protocol gets a notice that names it.
    const head = asyncapi3({ serverName: hostile }).replace('    protocol: mqtts\n', '');
    const review = await workspace.review(head);

    expect(review.notices.map((notice) => notice.message)).toContain(
      `server ${hostile} names no protocol; it is treated as plaintext`,
    );
    const outputs = await renderAll(review);
    expect(outputs.comment).toContain('names no protocol');
    expect(outputs.text).toContain('names no protocol');
    expectInert(outputs, review.findings.length);
  });
});

/** A JSON pointer segment for a key. */
function pointer(key: string): string {
  return encodeURIComponent(key.replace(/~/g, '~0').replace(/\//g, '~1'));
}
