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

/**
 * Line breaks (`\n`, `\r`, NEL), other C0 and C1 control characters and the Unicode line and
 * paragraph separators become one space, so a document string never spans two lines.
 */
export function flattenToOneLine(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, ' ');
}

/**
 * Code renders `<!--` as text, but the raw body would still hold it: a tool that finds sticky
 * comments by searching the whole body for its marker could be fooled by a document that spells
 * one. A zero-width space keeps the text readable and the body free of comment openers.
 */
function breakCommentOpeners(text: string): string {
  return text.replaceAll('<!--', `<${ZERO_WIDTH_SPACE}!--`);
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

/**
 * Escapes a sentence we wrote around document-derived strings (a finding's message, a note).
 * The code spans we wrote into it, given as their contents in `codeSpans` (`security: []`),
 * stay code spans; every other character is escaped as document text, so a document string
 * inside the sentence stays inert and a backtick it holds shows as a backtick. A document string
 * that spells one of those spans exactly becomes that code span, which is inert too.
 */
export function escapeMessage(text: string, codeSpans: readonly string[]): string {
  if (codeSpans.length === 0) return escapeMarkdown(text);
  const alternatives = codeSpans.map(
    (span) => `\`${span.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\``,
  );
  const pattern = new RegExp(alternatives.join('|'), 'g');

  let escaped = '';
  let from = 0;
  for (const match of text.matchAll(pattern)) {
    escaped += escapeMarkdown(text.slice(from, match.index)) + codeSpan(match[0].slice(1, -1));
    from = match.index + match[0].length;
  }
  return escaped + escapeMarkdown(text.slice(from));
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
  let content = breakCommentOpeners(flattenToOneLine(text));
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
export function codeBlock(text: string, language: string): string {
  const content = breakCommentOpeners(text);
  const longestRun = Math.max(0, ...(content.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(Math.max(3, longestRun + 1));
  return `${fence}${language}\n${content.replace(/\r\n?/g, '\n')}\n${fence}`;
}

/**
 * Escapes text for a SARIF plain-text message (`message.text`): there `[text](target)` is an
 * embedded link (SARIF 2.1.0 §3.11.6) that viewers such as GitHub code scanning render, so `[`,
 * `]` and the backslash that escapes them are written with a backslash, which viewers remove.
 */
export function escapeSarifText(text: string): string {
  return text.replace(/[\\[\]]/g, (character) => `\\${character}`);
}

// C0 and C1 controls (ESC starts ANSI sequences; 0x9b is an 8-bit CSI), DEL, and the Unicode
// line separators some viewers break lines at.
// eslint-disable-next-line no-control-regex
const LOG_CONTROLS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;

/**
 * Makes a document-derived line safe to print where a GitHub runner reads it: one line, no
 * control characters, and no workflow command. The runner takes a line whose text starts with
 * `::` (after leading blanks) as a command, and finds the older `##[command]` form anywhere in
 * a line, so both are broken with a zero-width space; what a reader sees does not change.
 */
export function escapeLogLine(text: string): string {
  const flat = text.replace(LOG_CONTROLS, ' ').replaceAll('##[', `##${ZERO_WIDTH_SPACE}[`);
  return flat.replace(/^(\s*):/, `$1${ZERO_WIDTH_SPACE}:`);
}

/**
 * Re-encodes serialized JSON so that printing it in a workflow log cannot issue a command or
 * drive a terminal: inside string literals, `##[` becomes `##\u005b`, and C1 controls and line
 * separators become `\u` escapes (JSON.stringify already escapes C0). The value parsed back is
 * the same; every changed character stands inside a string, where both spellings are equal.
 */
export function escapeJsonForLogs(json: string): string {
  return json
    .replaceAll('##[', '##\\u005b')
    .replace(/[\u007f-\u009f\u2028\u2029]/g, (character) => {
      return `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;
    });
}
