import { marked } from 'marked';
import { describe, expect, it } from 'vitest';
import type { Cause, SecurityModel } from '../../src/compare/finding.js';
import { RULES } from '../../src/compare/rules.js';
import { parseConfig } from '../../src/policy/config.js';
import { applyPolicy, resolvePolicy } from '../../src/policy/policy.js';
import {
  blobLineUrl,
  COMMENT_MAX_BYTES,
  MESSAGE_CODE_SPANS,
  renderMarkdown,
  renderResolved,
  renderSecurityDiff,
} from '../../src/report/markdown.js';
import { renderJobSummary } from '../../src/report/summary.js';
import { TOOL_NAME, VERSION } from '../../src/version.js';
import { makeDocument, makeFinding, makeResult } from '../action/factories.js';

const LINKS = {
  serverUrl: 'https://github.com',
  owner: 'acme',
  repo: 'api',
  headSha: 'f'.repeat(40),
};

describe('renderMarkdown', () => {
  it('shows channel, server, before → after, why and a link to the annotated line', () => {
    const markdown = renderMarkdown(makeResult([makeFinding()]), { links: LINKS });
    expect(markdown).toContain('#### ⛔ critical: `security-removed` on `sendOrder`');
    expect(markdown).toContain('- **Channel:** `orders` (send)');
    expect(markdown).toContain('- **Server:** `production`');
    expect(markdown).toContain(
      '- **Before → after:** `X509 (production, TLS)` → `anonymous (production, TLS)`',
    );
    expect(markdown).toContain('- **Why:** Operation sendOrder now admits anonymous access');
    expect(markdown).toContain(
      `[\`asyncapi.yaml\` line 12](https://github.com/acme/api/blob/${LINKS.headSha}/` +
        'asyncapi.yaml#L12)',
    );
  });

  it('puts the marker on the first line and states the model once', () => {
    const markdown = renderMarkdown(makeResult([makeFinding(), makeFinding()]), {
      marker: '<!-- m -->',
    });
    expect(markdown.split('\n')[0]).toBe('<!-- m -->');
    expect(markdown.match(/Security model:/g)).toHaveLength(1);
    expect(markdown).toContain("Security model: `override` (an operation's own `security`");
  });

  it('lists the worst findings first', () => {
    const markdown = renderMarkdown(
      makeResult([
        makeFinding({ severity: 'low', rule: 'override-removed' }),
        makeFinding({ severity: 'critical' }),
        makeFinding({ severity: 'medium', rule: 'security-changed' }),
      ]),
    );
    const order = ['`security-removed`', '`security-changed`', '`override-removed`'].map((rule) =>
      markdown.indexOf(rule),
    );
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(markdown).toContain('**3 findings** in 1 document: 1 critical, 1 medium, 1 low.');
  });

  it('counts only the documents that have findings, out of those reviewed', () => {
    const result = makeResult([], {
      documents: [
        makeDocument({ findings: [makeFinding()] }),
        makeDocument({ head: 'b.yaml' }),
        makeDocument({ head: 'c.yaml' }),
      ],
    });
    expect(renderMarkdown(result)).toContain('**1 finding** in 1 of 3 documents: 1 critical.');
  });

  it('renders effective security before and after as a collapsed diff', () => {
    const markdown = renderMarkdown(makeResult([makeFinding()]));
    expect(markdown).toContain('<details><summary>Effective security before and after</summary>');
    expect(markdown).toContain(
      '```diff\n- X509 (production, TLS)\n+ anonymous (production, TLS)\n```',
    );
  });

  it('reports added, deleted and renamed documents in a table', () => {
    const result = makeResult([], {
      documents: [
        makeDocument({ base: null, head: 'new.yaml', status: 'added' }),
        makeDocument({ base: 'gone.yaml', head: null, status: 'deleted' }),
        makeDocument({ base: 'old.yaml', head: 'moved.yaml', status: 'renamed' }),
        makeDocument({ base: 'same.yaml', head: 'same.yaml', status: 'unchanged' }),
      ],
    });
    const markdown = renderMarkdown(result);
    expect(markdown).toContain('| `new.yaml` | added | none |');
    expect(markdown).toContain('| `gone.yaml` | deleted | none |');
    expect(markdown).toContain('| `moved.yaml` | renamed from `old.yaml` | none |');
    expect(markdown).not.toContain('same.yaml');
    expect(markdown).toContain(
      'No findings in 4 documents: by the rules in force, no operation is easier to reach ' +
        'than before.',
    );
    expect(markdown).not.toMatch(/no security changes/i);
  });

  it('renders a finding about a whole document without operation lines', () => {
    const invalid = makeFinding({
      rule: 'document-invalid',
      severity: 'high',
      operation: null,
      channel: null,
      action: null,
      server: null,
      message: 'The head document cannot be read.',
      before: '2 operations reviewed',
      after: 'unreadable',
      location: { file: 'broken.yaml', line: 3 },
    });
    const markdown = renderMarkdown(makeResult([invalid]));
    expect(markdown).toContain('#### 🔴 high: `document-invalid` in `broken.yaml`');
    expect(markdown).not.toContain('**Channel:**');
  });

  it('renders document-derived strings inert: no link, image, HTML, mention or marker', () => {
    const hostile = makeFinding({
      operation: '`](https://evil.example) <img src=x>',
      channel: 'a | b\n# heading',
      server: '<!-- asyncapi-security-review workflow=CI job=security -->',
      message: 'Ping @admins at [here](https://evil.example) ![i](https://e/x.png) <b>x</b>',
      before: '```\n</details><script>',
      location: { file: 'a(b).yaml', line: 1 },
    });
    const markdown = renderMarkdown(makeResult([hostile]), { links: LINKS, marker: '<!-- m -->' });

    // What renders as markup is what lies outside fenced blocks and code spans.
    const outsideCode = markdown
      .replace(/^(`{3,})[^\n]*\n[\s\S]*?^\1$/gm, '')
      .replace(/(`+)[\s\S]*?\1/g, '');
    expect(outsideCode).not.toMatch(/\]\(https:\/\/evil/);
    expect(outsideCode).not.toMatch(/<(img|b>|script)/);
    expect(outsideCode.match(/<\/details>/g)).toHaveLength(1);
    expect(outsideCode).not.toMatch(/^# heading/m);
    expect(outsideCode).not.toMatch(/(^|\s)@admins/);
    expect(outsideCode.match(/<!--/g)).toHaveLength(1);

    expect(markdown.split('\n')[0]).toBe('<!-- m -->');
    expect(markdown).toContain('`` `](https://evil.example) <img src=x> ``');
    expect(markdown).toContain('\\[here\\]\\(https\\:/\u200b/evil\\.example\\)');
    expect(markdown).toContain('/a%28b%29.yaml#L1');
  });

  it('stays under 65,536 characters, counting what it leaves out and pointing elsewhere', () => {
    const many = Array.from({ length: 2_000 }, (_, index) =>
      makeFinding({
        severity: index % 2 === 0 ? 'critical' : 'medium',
        operation: `operation${index}`,
        message: 'x'.repeat(400),
        location: { file: 'asyncapi.yaml', line: index + 1 },
      }),
    );
    const markdown = renderMarkdown(makeResult(many), {
      links: LINKS,
      truncationHint: 'The job summary of this run lists every finding.',
    });

    expect(markdown.length).toBeLessThan(65_536);
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(COMMENT_MAX_BYTES);
    const notice = /\*\*(\d+) more findings not shown\*\* \((\d+) critical, (\d+) medium\)/.exec(
      markdown,
    );
    expect(notice).not.toBeNull();
    const shown = (markdown.match(/^#### /gm) ?? []).length;
    expect(shown + Number(notice?.[1])).toBe(2_000);
    expect(markdown).toContain('The job summary of this run lists every finding.');
    // The worst findings are the ones kept.
    expect(markdown).not.toContain('🟠 medium: ');
  });

  it('renders the code spans of our sentences as code, names inside stay escaped', () => {
    const operation = 'op` [x](https://evil.example) `security: []';
    const message = RULES.get('unsecured-operation-added')?.message({
      operation,
      server: 'production',
      before: 'nothing (new operation)',
      after: 'anonymous on production over TLS',
      model: 'override',
      causes: ['operation added'],
      emptyOverride: true,
      detail: '',
    });
    const markdown = renderMarkdown(makeResult([makeFinding({ operation, message })]));
    const why = markdown.split('\n').find((line) => line.startsWith('- **Why:** ')) ?? '';

    expect(why).toContain(' because its own `security: []` means no security at all');
    expect(why).not.toContain('its own \\`security');
    const html = marked.parseInline(why, { async: false, gfm: true });
    expect(html).toContain('its own <code>security: []</code> means');
    // The name's backtick shows as a backtick, and its link is text.
    expect(html).toContain('op` [x](https:/\u200b/evil.example)');
    expect(html).not.toContain('<a ');
  });

  it('renders every code span a rule message writes as code', () => {
    const models: SecurityModel[] = ['override', 'additive'];
    const causeLists: Cause[][] = [['override changed'], ['protocol changed']];
    for (const rule of RULES.values()) {
      for (const model of models) {
        for (const causes of causeLists) {
          for (const emptyOverride of [true, false]) {
            const message = rule.message({
              operation: 'sendOrder',
              server: 'production',
              before: 'X509 on production over TLS',
              after: 'anonymous on production over TLS',
              model,
              causes,
              emptyOverride,
              detail: 'a detail',
            });
            const spans = [...message.matchAll(/`([^`]+)`/g)].map((match) => match[1]);
            for (const span of spans) expect(MESSAGE_CODE_SPANS).toContain(span);

            const markdown = renderMarkdown(makeResult([makeFinding({ rule: rule.id, message })]));
            const why = markdown.split('\n').find((line) => line.startsWith('- **Why:** '));
            expect(why, `${rule.id}: ${message}`).not.toContain('\\`');
          }
        }
      }
    }
  });

  it('renders the code spans of policy notes as code', () => {
    const file = '.github/asyncapi-security-review.yml';
    const policy = resolvePolicy(
      parseConfig(
        'accept:\n  - { rule: security-removed, operation: old, reason: x, expires: 2020-01-01 }',
        file,
      ),
      {},
      { file, from: 'base' },
    );
    const { result, notes } = applyPolicy(makeResult([]), policy, '2026-12-03');
    const markdown = renderMarkdown(result, { policy: { origin: policy.origin, notes } });
    expect(markdown).toContain('then renew `expires` or remove the entry');
  });

  it('shows the causes of each finding, main cause first', () => {
    const one = renderMarkdown(makeResult([makeFinding()]));
    expect(one).toContain('- **Cause:** override changed\n');
    const two = renderMarkdown(
      makeResult([makeFinding({ causes: ['protocol changed', 'channel servers changed'] })]),
    );
    expect(two).toContain('- **Causes:** protocol changed, channel servers changed\n');
  });

  it('ends with the tool and its version', () => {
    for (const findings of [[], [makeFinding()]]) {
      const markdown = renderMarkdown(makeResult(findings));
      expect(markdown.trimEnd().split('\n').at(-1)).toBe(`_${TOOL_NAME} ${VERSION}_`);
    }
    const resolved = renderResolved({ headSha: 'a'.repeat(40), model: 'override' });
    expect(resolved.trimEnd().split('\n').at(-1)).toBe(`_${TOOL_NAME} ${VERSION}_`);
  });

  it('keeps the footer when findings are cut to fit', () => {
    const many = Array.from({ length: 500 }, (_, index) =>
      makeFinding({ operation: `operation${index}`, message: 'x'.repeat(400) }),
    );
    const markdown = renderMarkdown(makeResult(many), { maxBytes: 20_000 });
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(20_000);
    expect(markdown).toContain('more findings not shown');
    expect(markdown.trimEnd().split('\n').at(-1)).toBe(`_${TOOL_NAME} ${VERSION}_`);
  });

  it('meets even a tiny budget', () => {
    const markdown = renderMarkdown(makeResult([makeFinding()]), { maxBytes: 300 });
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(300);
  });
});

describe('renderSecurityDiff', () => {
  it('shows one line per server group, unchanged groups as context', () => {
    const diff = renderSecurityDiff(
      'cert (X509) on production over TLS; login (userPassword) on dev over plaintext',
      'cert (X509) on production over TLS; anonymous on dev over plaintext',
    );
    expect(diff).toBe(
      '```diff\n  cert (X509) on production over TLS\n' +
        '- login (userPassword) on dev over plaintext\n' +
        '+ anonymous on dev over plaintext\n```',
    );
  });

  it.each([
    ['a line feed', '\n'],
    ['a carriage return', '\r'],
    ['CR LF', '\r\n'],
    ['a line separator', '\u2028'],
    ['a paragraph separator', '\u2029'],
    ['a next-line control', '\u0085'],
    ['a vertical tab and a form feed', '\u000b\u000c'],
  ])('keeps a name with %s on its own line', (_kind, separator) => {
    const server = `evil${separator}+ cert (X509) on production over TLS${separator}`;
    const diff = renderSecurityDiff(
      'cert (X509) on production over TLS',
      `cert (X509) on production over TLS; anonymous on ${server}x over plaintext`,
    );
    const lines = diff.split('\n');
    expect(lines).toHaveLength(4);
    expect(lines[1]).toBe('  cert (X509) on production over TLS');
    expect(lines[2]).toMatch(/^\+ anonymous on evil.*x over plaintext$/);
  });

  it('splits only where a server group ends, not at a semicolon in a name', () => {
    const diff = renderSecurityDiff(
      'cert (X509) on a; b over TLS',
      'cert (X509) on a; b over TLS; anonymous on c; + d over plaintext',
    );
    expect(diff).toBe(
      '```diff\n  cert (X509) on a; b over TLS\n+ anonymous on c; + d over plaintext\n```',
    );
  });
});

describe('blobLineUrl', () => {
  it('percent-encodes each path segment', () => {
    expect(blobLineUrl(LINKS, 'specs/my api/#1.yaml', 4)).toBe(
      `https://github.com/acme/api/blob/${'f'.repeat(40)}/specs/my%20api/%231.yaml#L4`,
    );
  });
});

describe('renderResolved', () => {
  it('is a short comment with the marker first', () => {
    const body = renderResolved({
      marker: '<!-- m -->',
      headSha: 'a'.repeat(40),
      model: 'additive',
    });
    expect(body.split('\n')[0]).toBe('<!-- m -->');
    expect(body).toContain('✅ Resolved: as of `aaaaaaaaaaaa`');
    expect(body).toContain('Security model: `additive`');
  });
});

describe('renderJobSummary', () => {
  it('names the revisions and the files too large to inspect', () => {
    const summary = renderJobSummary(makeResult([makeFinding()]), {
      links: LINKS,
      failOn: 'high',
      baseSha: 'a'.repeat(40),
      headSha: 'b'.repeat(40),
      oversized: ['huge.json'],
    });
    expect(summary).toContain('Compared base `aaaaaaaaaaaa` with head `bbbbbbbbbbbb`');
    expect(summary).toContain('Not inspected, over the size limit: `huge.json`');
    expect(summary).toContain('The check fails at `high` or worse.');
  });
});
