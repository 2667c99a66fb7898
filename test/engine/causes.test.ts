/**
 * The causes a finding lists are the changes that explain it, and only those: a reviewer reads
 * them to know where to look.
 */
import { describe, expect, it } from 'vitest';

import { reviewTexts } from '../helpers/review.js';

/** A 2.6 document: the server's OAuth scopes, and the operation's own security. */
function document(serverScopes: string, operationSecurity: string): string {
  return `asyncapi: 2.6.0
info:
  title: Lights
  version: 1.0.0
servers:
  production:
    url: broker.example.com
    protocol: mqtts
    security:
      - oauth: [${serverScopes}]
channels:
  lights:
    subscribe:
      operationId: dimLight
${operationSecurity}components:
  securitySchemes:
    oauth:
      type: oauth2
      flows:
        clientCredentials:
          tokenUrl: https://auth.example.com/token
          availableScopes: {lights:read: read, lights:write: write}
    key:
      type: httpApiKey
      in: header
      name: X-Key
`;
}

const OWN_KEY = '      security:\n        - key: []\n';
const OWN_NONE = '      security: []\n';

describe('causes', () => {
  it('leave out a server change that an override hides on both sides', async () => {
    // The server drops a scope, but dimLight overrides the server's security before and after.
    const base = document('lights:read, lights:write', OWN_KEY);
    const head = document('lights:read', OWN_NONE);

    const override = await reviewTexts(base, head, 'override');
    expect(override.findings.map((finding) => [finding.rule, finding.causes])).toEqual([
      ['security-removed', ['override changed']],
    ]);

    // Under the additive model the server's security applies too, so its change is a cause.
    const additive = await reviewTexts(base, head, 'additive');
    expect(additive.findings.map((finding) => finding.causes)).toEqual([
      ['override changed', 'server security changed'],
    ]);
  });

  it('keep the server change when the operation inherits on one side', async () => {
    const base = document('lights:read, lights:write', '');
    const head = document('lights:read', OWN_NONE);
    const review = await reviewTexts(base, head, 'override');
    expect(review.findings.map((finding) => finding.causes)).toEqual([
      ['override changed', 'server security changed'],
    ]);
  });
});
