import { describe, expect, it } from 'vitest';
import {
  clip,
  codeBlock,
  codeSpan,
  escapeMarkdown,
  escapeMessage,
  escapeSarifText,
} from '../../src/report/escape.js';

describe('escapeMarkdown', () => {
  it.each([
    [
      'a link',
      '[click](https://evil.example)',
      /^\\\[click\\\]\\\(https\\:\/\u200b\/evil\\\.example\\\)$/,
    ],
    ['an image', '![x](http://e/p.png)', /^\\!\\\[x\\\]/],
    ['HTML', '<img src=x onerror=alert(1)>', /^&lt;img src\\=x onerror\\=alert\\\(1\\\)&gt;$/],
    ['an HTML comment', '<!-- asyncapi-security-review -->', /^&lt;\\!\\-\\- /],
    ['a table break', 'a | b', /^a \\\| b$/],
    ['a mention', '@octo-org/admins', /^@\u200boct/],
    ['emphasis', '*bold* _it_', /^\\\*bold\\\* \\_it\\_$/],
    ['a backtick', 'x`y', /^x\\`y$/],
    ['a bare www link', 'see www.example.com', /www\u200b\\\./],
  ])('neutralises %s', (_name, input, expected) => {
    expect(escapeMarkdown(input)).toMatch(expected);
  });

  it('keeps everything on one line', () => {
    expect(escapeMarkdown('one\ntwo\r\nthree\u2028four\u2029five\u0085six')).toBe(
      'one two three four five six',
    );
  });

  it('escapes ampersands so entities stay text', () => {
    expect(escapeMarkdown('&lt;b&gt;')).toBe('&amp;lt;b&amp;gt;');
  });
});

describe('escapeMessage', () => {
  it('keeps the code spans we wrote and escapes the rest', () => {
    expect(escapeMessage('its own `security: []` means [x](y)', ['security: []'])).toBe(
      'its own `security: []` means \\[x\\]\\(y\\)',
    );
  });

  it('escapes a backtick that is not one of our spans', () => {
    expect(escapeMessage('a `b` and `security: []`', ['security: []'])).toBe(
      'a \\`b\\` and `security: []`',
    );
  });

  it('cannot be broken by a backslash or a backtick before our span', () => {
    expect(escapeMessage('x\\`security: []`', ['security: []'])).toBe('x\\\\`security: []`');
    expect(escapeMessage('x``security: []`', ['security: []'])).toBe('x\\``security: []`');
  });

  it('escapes everything when there is no span', () => {
    expect(escapeMessage('`a`', [])).toBe('\\`a\\`');
  });
});

describe('escapeSarifText', () => {
  it('escapes what starts an embedded link, and the backslash', () => {
    expect(escapeSarifText('[x](https://evil.example) a\\b')).toBe(
      '\\[x\\](https://evil.example) a\\\\b',
    );
  });
});

describe('codeSpan', () => {
  it('wraps plain text', () => {
    expect(codeSpan('orders/created')).toBe('`orders/created`');
  });

  it('uses a fence longer than any backtick run inside', () => {
    expect(codeSpan('a``b')).toBe('```a``b```');
  });

  it('pads text that starts or ends with a backtick', () => {
    expect(codeSpan('`x`')).toBe('`` `x` ``');
  });

  it('escapes pipes only inside tables', () => {
    expect(codeSpan('a|b')).toBe('`a|b`');
    expect(codeSpan('a|b', { inTable: true })).toBe('`a\\|b`');
  });

  it('flattens line breaks and marks empty text', () => {
    expect(codeSpan('a\nb')).toBe('`a b`');
    expect(codeSpan('  ')).toBe('_(empty)_');
  });
});

describe('codeBlock', () => {
  it('cannot be closed by a fence inside the content', () => {
    const block = codeBlock('- a\n```\n+ b', 'diff');
    expect(block.startsWith('````diff\n')).toBe(true);
    expect(block.endsWith('\n````')).toBe(true);
  });
});

describe('clip', () => {
  it('shortens long text with an ellipsis', () => {
    expect(clip('abcdef', 4)).toBe('abc…');
    expect(clip('abc', 4)).toBe('abc');
  });
});
