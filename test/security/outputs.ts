/**
 * Every output format a review reaches, rendered the way the CLI and the Action write them, and
 * the checks that a hostile document neither leaked a byte it should not have read nor injected
 * anything into any of them.
 */
import * as core from '@actions/core';
import { marked } from 'marked';
import { expect, vi } from 'vitest';

import type { DocumentReview, ReviewResult } from '../../src/compare/finding.js';
import { commentMarker } from '../../src/action/comment.js';
import { selectAnnotations } from '../../src/report/annotations.js';
import { renderJson } from '../../src/report/json.js';
import { renderMarkdown } from '../../src/report/markdown.js';
import { renderSarif } from '../../src/report/sarif.js';
import { renderJobSummary } from '../../src/report/summary.js';
import { renderText } from '../../src/report/text.js';

export const MARKER = commentMarker('CI', 'security');
const LINKS = {
  serverUrl: 'https://github.com',
  owner: 'acme',
  repo: 'orders',
  headSha: 'f'.repeat(40),
};
const BLOB_PREFIX = 'https://github.com/acme/orders/blob/';

export interface Outputs {
  text: string;
  /** The pull request comment, marker first, with links to head lines. */
  comment: string;
  summary: string;
  json: string;
  /** The workflow commands @actions/core prints for the annotations, as the runner reads them. */
  annotations: string;
  /** The SARIF file, as `--format sarif` prints it and `sarif-file` writes it. */
  sarif: string;
}

/** Writes the annotations with @actions/core and returns what it printed. */
function workflowCommands(result: ReviewResult): string {
  const findings = result.documents.flatMap((document) => document.findings);
  const printed: string[] = [];
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    for (const annotation of selectAnnotations(findings)) {
      const properties = {
        title: annotation.title,
        ...(annotation.file === undefined ? {} : { file: annotation.file }),
        ...(annotation.startLine === undefined ? {} : { startLine: annotation.startLine }),
      };
      core[annotation.level](annotation.message, properties);
    }
  } finally {
    spy.mockRestore();
  }
  return printed.join('');
}

export function renderAll(review: DocumentReview | DocumentReview[]): Promise<Outputs> {
  const result: ReviewResult = {
    model: 'override',
    documents: Array.isArray(review) ? review : [review],
  };
  const outputs: Outputs = {
    text: renderText(result),
    comment: renderMarkdown(result, { marker: MARKER, links: LINKS, failOn: 'high' }),
    summary: renderJobSummary(result, {
      links: LINKS,
      failOn: 'high',
      baseSha: 'e'.repeat(40),
      headSha: 'f'.repeat(40),
      oversized: [],
    }),
    json: renderJson(result),
    annotations: workflowCommands(result),
    sarif: renderSarif(result),
  };
  return Promise.resolve(outputs);
}

/** No output of any format holds any of `canaries` (content that must never be read). */
export function expectAbsent(outputs: Outputs, canaries: readonly string[]): void {
  for (const [format, text] of Object.entries(outputs) as [string, string][]) {
    for (const canary of canaries) {
      expect(text.includes(canary), `${format} holds ${JSON.stringify(canary)}`).toBe(false);
    }
  }
}

// Tags the comment's own markdown produces; a document must not add any other.
const ALLOWED_TAGS = new Set(
  'h2 h4 p ul li strong em code pre details summary table thead tbody tr th td br'.split(' '),
);

/** The markdown renders to nothing live: no link but ours, no image, no HTML, whole tables. */
export function expectInertMarkdown(markdown: string, format: string): void {
  const [firstLine = '', ...rest] = markdown.split('\n');
  const body = rest.join('\n');
  if (format === 'comment') expect(firstLine).toBe(MARKER);
  // The marker cannot be forged: no other line holds an HTML comment opener.
  expect(body, `${format}: an HTML comment`).not.toContain('<!--');

  const html = marked.parse(body, { async: false, gfm: true });
  for (const [, tag = ''] of html.matchAll(/<([a-zA-Z][a-zA-Z0-9]*)/g)) {
    expect(ALLOWED_TAGS.has(tag.toLowerCase()) || tag === 'a', `${format}: <${tag}>`).toBe(true);
  }
  for (const [, href = ''] of html.matchAll(/<a [^>]*href="([^"]*)"/g)) {
    expect(href.startsWith(BLOB_PREFIX), `${format}: a link to ${href}`).toBe(true);
  }
  expect(html).not.toMatch(/<img/i);

  // Every row of the documents table keeps its three cells.
  for (const row of html.matchAll(/<tr>([\s\S]*?)<\/tr>/g)) {
    expect(row[1]?.match(/<t[hd][ >]/g)?.length, `${format}: a table row`).toBe(3);
  }
}

// C0 but the line feed, DEL, C1 (ESC and CSI start terminal sequences).
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029]/;

/** Printed in a workflow log, the output issues no command and drives no terminal. */
export function expectInertLog(text: string, format: string): void {
  expect(CONTROL.test(text), `${format}: a control character`).toBe(false);
  expect(text, `${format}: a v1 workflow command`).not.toContain('##[');
  for (const line of text.split('\n')) {
    expect(line.trimStart().startsWith('::'), `${format}: a command line ${line}`).toBe(false);
  }
}

/** Each annotation is exactly one workflow command line, whatever its message holds. */
export function expectOneCommandPerAnnotation(commands: string, count: number): void {
  const lines = commands.split('\n').filter((line) => line !== '');
  expect(lines).toHaveLength(count);
  for (const line of lines) {
    expect(line).toMatch(/^::(error|warning|notice) title=[^:]*(,file=[^,:]*,line=\d+)?::/);
    expect(line).not.toContain('\r');
  }
}

/** Every format is inert; call with the number of annotations expected. */
export function expectInert(outputs: Outputs, annotationCount: number): void {
  expectInertMarkdown(outputs.comment, 'comment');
  expectInertMarkdown(outputs.summary, 'summary');
  expectInertLog(outputs.text, 'text');
  expectInertLog(outputs.json, 'json');
  JSON.parse(outputs.json);
  expectOneCommandPerAnnotation(outputs.annotations, annotationCount);
  // SARIF is uploaded as a file, but the CLI prints it when no --output is given.
  expectInertLog(outputs.sarif, 'sarif');
  JSON.parse(outputs.sarif);
}
