/** The machine-readable report: stable field names, one object, findings flattened with their document. */
import type { ReviewResult } from '../compare/finding.js';
import { VERSION } from '../version.js';

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
  return `${JSON.stringify(toJsonReport(result), null, 2)}\n`;
}
