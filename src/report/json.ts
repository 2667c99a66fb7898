/** The machine-readable report: stable field names, one object, findings flattened with their document. */
import type { ReviewResult } from '../compare/finding.js';
import { VERSION } from '../version.js';
import { escapeJsonForLogs } from './escape.js';

export function toJsonReport(result: ReviewResult) {
  return {
    tool: { name: 'asyncapi-security-review', version: VERSION },
    model: result.model,
    documents: result.documents.map((document) => ({
      base: document.base,
      head: document.head,
      status: document.status,
      operations: document.operations,
      findings: document.findings.length,
      notices: document.notices,
    })),
    findings: result.documents.flatMap((document) =>
      document.findings.map((finding) => ({
        ...finding,
        cause: finding.causes[0] ?? null,
        document: document.head ?? document.base,
      })),
    ),
  };
}

export function renderJson(result: ReviewResult): string {
  // The report may be printed in a workflow log: same value, no command or terminal control.
  return `${escapeJsonForLogs(JSON.stringify(toJsonReport(result), null, 2))}\n`;
}
