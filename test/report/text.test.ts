import { describe, expect, it } from 'vitest';
import { renderText } from '../../src/report/text.js';
import { TOOL_NAME, VERSION } from '../../src/version.js';
import { makeFinding, makeResult } from '../action/factories.js';
import { reviewTexts } from '../helpers/review.js';

/** Two servers, both accepting `login` or `cert`; the operation runs on both. */
function document(productionSchemes: string[]): string {
  const security = (names: string[]) =>
    names.map((name) => `        - $ref: '#/components/securitySchemes/${name}'`).join('\n');
  return `asyncapi: 3.0.0
info: { title: t, version: 1.0.0 }
servers:
  production:
    host: a.example
    protocol: mqtts
    security:
${security(productionSchemes)}
  backup:
    host: b.example
    protocol: mqtts
    security:
${security(['login', 'cert'])}
channels:
  orders: { address: orders }
operations:
  sendOrder: { action: send, channel: { $ref: '#/channels/orders' } }
components:
  securitySchemes:
    login: { type: userPassword }
    cert: { type: X509 }
`;
}

describe('renderText', () => {
  it('says what no finding means, not that nothing changed', async () => {
    // production swaps `login` for `cert`, which backup already accepts: the security of
    // production changed, yet no operation is easier to reach.
    const review = await reviewTexts(document(['login']), document(['cert']));
    expect(review.findings).toEqual([]);
    const text = renderText({ model: 'override', documents: [review] });

    expect(text).not.toMatch(/no security changes/i);
    expect(text).toContain(
      'No findings: by the rules in force, no operation is easier to reach than before.\n',
    );
    expect(text.trimEnd().split('\n').at(-1)).toBe(`Model: override. ${TOOL_NAME} ${VERSION}.`);
  });

  it('counts findings by severity when there are some', () => {
    const text = renderText(makeResult([makeFinding()]));
    expect(text).toContain('1 finding: 1 critical.\n');
  });
});
