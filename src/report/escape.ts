/**
 * Escaping for every string that comes from a reviewed document (names, addresses, messages
 * that quote them) before it reaches markdown. A pull request author controls those strings,
 * so they must not become links, images, HTML, mentions, table cells or code fences, and must
 * not be able to spell the hidden comment marker.
 */

// Zero-width space: breaks GitHub's post-processing of mentions, issue references and bare
// links without changing what a reader sees.
const ZERO_WIDTH_SPACE = '\u200b';

// ASCII punctuation that starts or ends inline markdown constructs. A backslash before any
// ASCII punctuation is a valid escape in CommonMark, so escaping more than needed is harmless.
const MARKDOWN_PUNCTUATION = /[\\`*_{}[\]()#+\-.!|~=:"'$^]/g;

/** Line breaks, other control characters and the Unicode line separators become one space. */
function flattenToOneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
}

/** Shortens a string to at most `maxLength` characters, saying that it did. */
export function clip(text: string, maxLength: number): string {
  if (text.length <= maxLength) return text;
  return `${text.slice(0, Math.max(0, maxLength - 1))}…`;
}

/**
 * Escapes a document-derived string for inline markdown text, including inside a table cell:
 * HTML is neutralised as entities, markdown punctuation is backslash-escaped, and GitHub's
 * autolinks, mentions and issue references are broken with a zero-width space.
 */
export function escapeMarkdown(text: string): string {
  return flattenToOneLine(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(MARKDOWN_PUNCTUATION, (character) => `\\${character}`)
    .replace(/@/g, `@${ZERO_WIDTH_SPACE}`)
    .replace(/\/\//g, `/${ZERO_WIDTH_SPACE}/`)
    .replace(/\bwww\\\./gi, (www) => `${www.slice(0, 3)}${ZERO_WIDTH_SPACE}\\.`);
}

export interface CodeSpanOptions {
  /** Inside a GFM table a pipe must be escaped even in a code span, or it splits the cell. */
  inTable?: boolean;
}

/**
 * Wraps a document-derived string in a code span whose fence is longer than any backtick run
 * inside it, so the string can neither close the span nor start a fenced block. Code spans
 * render no HTML, links or mentions.
 */
export function codeSpan(text: string, options: CodeSpanOptions = {}): string {
  let content = flattenToOneLine(text);
  if (content.trim() === '') return '_(empty)_';

  if (options.inTable) content = content.replace(/\|/g, '\\|');

  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longestRun + 1);

  // A span that starts or ends with a backtick needs a space so the fence stays separate;
  // CommonMark strips exactly one space on each side when both are present.
  const padded = /^[` ]|[` ]$/.test(content) ? ` ${content} ` : content;
  return `${fence}${padded}${fence}`;
}

/**
 * Fences a multi-line document-derived block (a diff) so no line inside can close it: the
 * fence is longer than any backtick run in the content.
 */
export function codeBlock(content: string, language: string): string {
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${content.replace(/\r\n?/g, '\n')}\n${fence}`;
}
