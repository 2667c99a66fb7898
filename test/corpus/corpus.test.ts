/**
 * The real documents of ../shared/corpus (skipped when it is absent): every one loads, and every
 * pair of the same API in 2.6 and 3.0 gives no finding at medium or above unless the pair really
 * differs in security, each such difference explained where it is asserted.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

import { severityRank, type DocumentReview } from '../../src/compare/finding.js';
import { reviewDocument } from '../../src/engine.js';
import { FolderSource } from '../../src/load/folder.js';
import { corpusDocuments, corpusRoot, hasCorpus } from './corpus.js';

const source = new FolderSource(corpusRoot);

function review(base: string | null, head: string | null): Promise<DocumentReview> {
  const side = (path: string | null) => (path === null ? null : { source, path });
  return reviewDocument(side(base), side(head), { model: 'override' });
}

function atMediumOrAbove(review: DocumentReview) {
  return review.findings.filter(
    (finding) => severityRank(finding.severity) >= severityRank('medium'),
  );
}

/** SOURCES.md pair P: every 2.6 example of asyncapi/spec and its 3.0 counterpart. */
const SPEC_EXAMPLES = [
  'anyof',
  'application-headers',
  'correlation-id',
  'gitter-streaming',
  'mercure',
  'not',
  'oneof',
  'operation-security',
  'rpc-client',
  'rpc-server',
  'simple',
  'slack-rtm',
  'streetlights-kafka',
  'streetlights-mqtt',
  'streetlights-operation-security',
  'websocket-gemini',
].map((name) => [`asyncapi-spec-2.6/${name}.yml`, `asyncapi-spec-3.0/${name}-asyncapi.yml`]);

const SOCIAL_MEDIA = [
  'backend',
  'comments-service',
  'frontend',
  'notification-service',
  'public-api',
]
  .map((service) => `social-media/${service}/asyncapi.yaml`)
  .map((path) => [`asyncapi-spec-2.6/${path}`, `asyncapi-spec-3.0/${path}`]);

/** SOURCES.md pairs C (converter input and expected output) and D1-D3 (diff fixtures). */
const CONVERTER_AND_DIFF = [
  ...[
    '',
    '-with-servers-and-channels-components',
    '-with-deep-local-references',
    '-with-custom-schema-format',
    '-with-reference-parameter',
  ].map((suffix) => [
    `converter-js/input/2.6.0/for-3.0.0${suffix}.yml`,
    `converter-js/output/3.0.0/from-2.6.0${suffix}.yml`,
  ]),
  ['asyncapi-diff/spec/asyncapi-v3.yml', 'asyncapi-diff/spec/asyncapi-v3-diff.yml'],
  ['asyncapi-diff/spec/asyncapi.yml', 'asyncapi-diff/spec/diffSpec.yml'],
  [
    'asyncapi-cli/test/fixtures/specification-v3.yml',
    'asyncapi-cli/test/fixtures/specification-v3-diff.yml',
  ],
];

describe.skipIf(!hasCorpus)('the real documents of the corpus', () => {
  const documents = corpusDocuments();

  it('finds the documents', () => {
    expect(documents.length).toBeGreaterThanOrEqual(70);
  });

  it.each(documents)('%s loads and gives nothing against itself', async (path) => {
    const result = await review(path, path);

    expect(result.findings).toEqual([]);
    expect(result.status).toBe('unchanged');
    expect(result.operations.head).toBe(result.operations.base);
  });

  it.each([...SPEC_EXAMPLES, ...SOCIAL_MEDIA, ...CONVERTER_AND_DIFF])(
    '%s and %s keep the same security',
    async (base, head) => {
      const result = await review(base, head);

      expect(atMediumOrAbove(result)).toEqual([]);
      expect(result.operations.head).toBe(result.operations.base);
    },
  );

  it('sees the converter drop a server that only components declare (pair C2)', async () => {
    // The 2.6 input lists `production`, declared only under components.servers; the 3.0 output
    // keeps a dangling $ref to it. Both sides say so in a notice rather than silently.
    const result = await review(
      'converter-js/input/2.6.0/for-3.0.0-with-servers-and-channels-components.yml',
      'converter-js/output/3.0.0/from-2.6.0-with-servers-and-channels-components.yml',
    );
    expect(result.notices.map((notice) => notice.message).join('\n')).toMatch(
      /lists a server that cannot be used \(nothing at \/servers\/production\)/,
    );
  });

  it('reports the removed server security of dummySpec (pair D4) as critical', async () => {
    // The head drops the scramSha256 requirement of the only server: both operations open up.
    const result = await review(
      'asyncapi-cli/test/fixtures/dummyspec/dummySpec.yml',
      'asyncapi-cli/test/fixtures/dummyspec/dummySpecWithoutSecurity.yml',
    );
    expect(
      result.findings.map((finding) => [finding.rule, finding.operation, finding.server]),
    ).toEqual([
      ['security-removed', 'onTest', 'mykafka'],
      ['security-removed', 'produce send', 'mykafka'],
    ]);
    expect(result.findings[0]?.message).toBe(
      'onTest now admits anonymous access through server mykafka; before, it required ' +
        'saslScramExample (scramSha256).',
    );
  });

  it('reports the operations Binance secured (pair B1) as strengthened only', async () => {
    // 20 of 24 operations gain an apiKey requirement on both servers: 40 info findings.
    const result = await review(
      'openxapi-binance/cmfutures@99f7f435/cmfutures.yaml',
      'openxapi-binance/cmfutures@cdca9d4b/cmfutures.yaml',
    );
    expect(new Set(result.findings.map((finding) => finding.rule))).toEqual(
      new Set(['security-strengthened']),
    );
    expect(result.findings).toHaveLength(40);
  });

  it('sees the Binance refactor (pair B2) rename operations without weakening them', async () => {
    // The refactor merges send/receive pairs into new operation ids (24 -> 11), all on the one
    // channel. No new id matches an old one, so each new operation is compared with the old
    // operations of its channel and action that nothing matched. Three new ones are public
    // (receiveError, sessionLogout, sessionStatus), but the channel already had public ones
    // (receiveUserDataStreamEvents; sendSessionLogout and sendSessionStatus, renamed): no new
    // operation is easier to reach than every old one, so there is no finding.
    const result = await review(
      'openxapi-binance/cmfutures@cdca9d4b/cmfutures.yaml',
      'openxapi-binance/cmfutures@3a1415ea/cmfutures.yaml',
    );
    expect(result.findings).toEqual([]);
    expect(result.operations).toEqual({ base: 24, head: 11 });
  });
});

describe.runIf(!hasCorpus)('without the corpus', () => {
  it('skips the corpus cases', () => {
    expect(join(corpusRoot, 'SOURCES.md')).toContain('shared');
  });
});
