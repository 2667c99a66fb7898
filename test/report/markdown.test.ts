import { describe, expect, it } from 'vitest';
import {
  blobLineUrl,
  COMMENT_MAX_BYTES,
  renderMarkdown,
  renderResolved,
  renderSecurityDiff,
} from '../../src/report/markdown.js';
import { renderJobSummary } from '../../src/report/summary.js';
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
    expect(markdown).toContain('No findings in 4 documents.');
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

  it('meets even a tiny budget', () => {
    const markdown = renderMarkdown(makeResult([makeFinding()]), { maxBytes: 300 });
    expect(Buffer.byteLength(markdown)).toBeLessThanOrEqual(300);
  });
});

describe('renderSecurityDiff', () => {
  it('shows one line per server group, unchanged groups as context', () => {
    const diff = renderSecurityDiff(
      'X509 (production, TLS); userPassword (dev, plaintext)',
      'X509 (production, TLS); anonymous (dev, plaintext)',
    );
    expect(diff).toBe(
      '```diff\n  X509 (production, TLS)\n- userPassword (dev, plaintext)\n' +
        '+ anonymous (dev, plaintext)\n```',
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
