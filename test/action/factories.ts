/** Test data for the report and Action tests: findings and reviews with overridable fields. */
import type { DocumentReview, Finding, ReviewResult } from '../../src/compare/finding.js';

export function makeFinding(overrides: Partial<Finding> = {}): Finding {
  return {
    rule: 'security-removed',
    severity: 'critical',
    operation: 'sendOrder',
    channel: 'orders',
    action: 'send',
    server: 'production',
    causes: ['override changed'],
    message: 'Operation sendOrder now admits anonymous access through server production.',
    before: 'X509 (production, TLS)',
    after: 'anonymous (production, TLS)',
    location: { file: 'asyncapi.yaml', line: 12 },
    baseLocation: null,
    ...overrides,
  };
}

export function makeDocument(overrides: Partial<DocumentReview> = {}): DocumentReview {
  return {
    base: 'asyncapi.yaml',
    head: 'asyncapi.yaml',
    status: 'modified',
    filesRead: { base: ['asyncapi.yaml'], head: ['asyncapi.yaml'] },
    operations: { base: 1, head: 1 },
    findings: [],
    notices: [],
    ...overrides,
  };
}

export function makeResult(
  findings: Finding[],
  overrides: Partial<ReviewResult> = {},
): ReviewResult {
  return { model: 'override', documents: [makeDocument({ findings })], ...overrides };
}

/** A one-operation 3.0 document secured by its server, and the same without that security. */
export const SECURED = `asyncapi: 3.0.0
info: { title: Orders, version: 1.0.0 }
servers:
  production:
    host: broker.example.com
    protocol: mqtts
    security: [{ $ref: '#/components/securitySchemes/cert' }]
channels:
  orders: { address: orders }
operations:
  sendOrder: { action: send, channel: { $ref: '#/channels/orders' } }
components:
  securitySchemes:
    cert: { type: X509 }
`;
export const UNSECURED = SECURED.replace(/ {4}security: .*\n/, '');
