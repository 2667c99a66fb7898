import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureLocalCommit, resolveLocalCommit } from '../../src/git/commits.js';
import { listDocumentPairs, reviewPlan } from '../../src/git/plan.js';
import { GitRevision } from '../../src/git/revision.js';
import { readBlobs } from '../../src/git/run-git.js';
import { isAsyncApiDocument, selectDocuments } from '../../src/git/select.js';
import { SourceError } from '../../src/load/source.js';
import { createTempRepo, git, shallowClone, type TempRepo } from './temp-repo.js';

const SECURED = `asyncapi: 3.0.0
info: { title: Orders, version: 1.0.0 }
servers:
  production:
    host: broker.example.com
    protocol: mqtts
    security:
      - $ref: './schemes.yaml#/cert'
channels:
  orders: { address: orders }
operations:
  sendOrder:
    action: send
    channel: { $ref: '#/channels/orders' }
`;

let repo: TempRepo;
let baseSha: string;
let headSha: string;

beforeAll(() => {
  repo = createTempRepo();
  repo.write('api/asyncapi.yaml', SECURED);
  repo.write('api/schemes.yaml', 'cert:\n  type: X509\n');
  repo.write('legacy.json', '{"asyncapi": "2.6.0", "info": {"title": "L", "version": "1"}}');
  repo.write('config.yaml', 'service:\n  asyncapi: not-a-document\n');
  repo.write('broken.yaml', 'asyncapi: 3.0.0\ninfo: [unclosed\n');
  repo.write('docs/readme.md', 'asyncapi: mentioned in prose\n');
  repo.symlink('linked.yaml', 'api/asyncapi.yaml');
  baseSha = repo.commit('base');

  // Head: the referenced scheme weakens, the JSON document moves, nothing else changes.
  repo.write('api/schemes.yaml', 'cert:\n  type: userPassword\n');
  repo.write('moved/legacy.json', '{"asyncapi": "2.6.0", "info": {"title": "L", "version": "1"}}');
  repo.remove('legacy.json');
  headSha = repo.commit('head');
});

afterAll(() => repo.cleanup());

describe('GitRevision', () => {
  it('reads a file as it is at the revision, not as it is checked out', async () => {
    const base = new GitRevision(repo.dir, baseSha, 'base');
    const content = await base.source.readFile('api/schemes.yaml');
    expect(new TextDecoder().decode(content)).toBe('cert:\n  type: X509\n');
    expect(base.label).toBe(`base (${baseSha.slice(0, 7)})`);
  });

  it('resolves to undefined for a path that does not exist', async () => {
    const head = new GitRevision(repo.dir, headSha, 'head');
    expect(await head.source.readFile('legacy.json')).toBeUndefined();
  });

  it('refuses a symbolic link with a SourceError that names it', async () => {
    const head = new GitRevision(repo.dir, headSha, 'head');
    const attempt = head.source.readFile('linked.yaml');
    await expect(attempt).rejects.toBeInstanceOf(SourceError);
    await expect(attempt).rejects.toThrow('linked.yaml in head');
    await expect(attempt).rejects.toThrow('symbolic link');
  });
});

describe('selectDocuments', () => {
  it('selects YAML and JSON files whose top level has asyncapi, broken ones included', async () => {
    const base = new GitRevision(repo.dir, baseSha, 'base');
    const selection = await selectDocuments(base, []);
    expect(selection.documents).toEqual(['api/asyncapi.yaml', 'broken.yaml', 'legacy.json']);
  });

  it('takes exactly what the globs name, minus the exclusions', async () => {
    const base = new GitRevision(repo.dir, baseSha, 'base');
    const selection = await selectDocuments(base, [
      '**/*.yaml',
      '!broken.yaml',
      '!api/schemes.yaml',
    ]);
    expect(selection.documents).toEqual(['api/asyncapi.yaml', 'config.yaml', 'linked.yaml']);
  });

  it.each([
    ['a JSON document', '{"asyncapi":"3.0.0"}', true],
    ['a nested key', 'x:\n  asyncapi: 1\n', false],
    ['a list', '- asyncapi\n', false],
    ['an unparsable document with the key at the top', 'asyncapi: 3\n  bad: [\n', true],
  ])('recognises %s', (_name, text, expected) => {
    expect(isAsyncApiDocument(new TextEncoder().encode(text))).toBe(expected);
  });

  it('recognises a large file by its first lines without parsing it whole', () => {
    const padding = `x: ${'y'.repeat(3 * 1024 * 1024)}\n`;
    const encode = (text: string) => new TextEncoder().encode(text);
    expect(isAsyncApiDocument(encode(`asyncapi: 3.0.0\n${padding}`))).toBe(true);
    expect(isAsyncApiDocument(encode(`${padding}nested:\n  asyncapi: 1\n`))).toBe(false);
  });

  it('survives nesting deep enough to exhaust a recursive parser', () => {
    const deep = `asyncapi: 3.0.0\nx: ${'['.repeat(100_000)}\n`;
    expect(isAsyncApiDocument(new TextEncoder().encode(deep))).toBe(true);
  });
});

describe('listDocumentPairs', () => {
  it('pairs across renames and marks the files that changed', async () => {
    const plan = await listDocumentPairs(repo.dir, baseSha, headSha, []);
    expect(plan.pairs).toEqual([
      { base: 'api/asyncapi.yaml', head: 'api/asyncapi.yaml', pairing: 'same-path' },
      { base: 'broken.yaml', head: 'broken.yaml', pairing: 'same-path' },
      { base: 'legacy.json', head: 'moved/legacy.json', pairing: 'renamed' },
    ]);
    expect([...plan.changed].sort()).toEqual([
      'api/schemes.yaml',
      'legacy.json',
      'moved/legacy.json',
    ]);
  });

  it('refuses a ref git would read as an option', async () => {
    await expect(listDocumentPairs(repo.dir, '--upload-pack=x', 'HEAD', [])).rejects.toThrow(
      'not a revision git accepts',
    );
  });
});

describe('reviewPlan', () => {
  it('counts a document whose referenced file changed as modified, and reviews it', async () => {
    const plan = await listDocumentPairs(repo.dir, baseSha, headSha, ['api/asyncapi.yaml']);
    const result = await reviewPlan(plan, 'override');
    const [document] = result.documents;
    expect(document?.status).toBe('modified');
    expect(document?.filesRead.head).toContain('api/schemes.yaml');
    expect(document?.findings.map((finding) => finding.rule)).toContain('security-weakened');
  });
});

describe('a base document that is no longer a document in head', () => {
  it.each([
    ['a symbolic link to a weaker document', 'link'],
    ['a file without a top-level asyncapi', 'plain'],
  ])('is reviewed, not passed as deleted, when it becomes %s', async (_, kind) => {
    const local = createTempRepo();
    try {
      local.write(
        'api.yaml',
        SECURED.replace('./schemes.yaml#/cert', '#/components/securitySchemes/cert') +
          'components:\n  securitySchemes:\n    cert: { type: X509 }\n',
      );
      const base = local.commit('secured');
      local.write('weak.txt', SECURED.replace(/ {4}security:\n.*\n/, ''));
      local.remove('api.yaml');
      if (kind === 'link') local.symlink('api.yaml', 'weak.txt');
      else local.write('api.yaml', 'openapi: 3.1.0\ninfo: { title: Orders, version: 1.0.0 }\n');
      const head = local.commit('replace the document');

      const plan = await listDocumentPairs(local.dir, base, head, []);
      const result = await reviewPlan(plan, 'override');
      const [document] = result.documents;

      expect(result.documents).toHaveLength(1);
      expect(document?.status).toBe('modified');
      expect(document?.findings.map((finding) => finding.rule)).toEqual(['document-invalid']);
      expect(document?.findings[0]?.location.file).toBe('api.yaml');
    } finally {
      local.cleanup();
    }
  });
});

describe('ensureLocalCommit', () => {
  it('fetches a base commit a shallow clone lacks', async () => {
    const clone = shallowClone(repo);
    expect(await resolveLocalCommit(clone, baseSha)).toBeUndefined();

    const outcome = await ensureLocalCommit(clone, baseSha);
    expect(outcome.sha).toBe(baseSha);
    expect(outcome.attempts.join('\n')).toContain('--depth=1');
    expect(git(clone, 'rev-parse', '--is-shallow-repository')).toBe('true');
  });

  it('reports the failed fetch of a commit that does not exist', async () => {
    const clone = shallowClone(repo);
    const outcome = await ensureLocalCommit(clone, 'e'.repeat(40));
    expect(outcome.sha).toBeUndefined();
    expect(outcome.attempts.at(-1)).toMatch(/failed$/);
  });
});

describe('readBlobs', () => {
  it('reads many blobs with one git process', async () => {
    const oids = git(
      repo.dir,
      'rev-parse',
      `${baseSha}:api/schemes.yaml`,
      `${headSha}:api/schemes.yaml`,
    );
    const [first = '', second = ''] = oids.split('\n');
    const blobs = await readBlobs(repo.dir, [first, second, 'f'.repeat(40)]);
    expect(blobs.get(first)?.toString()).toContain('X509');
    expect(blobs.get(second)?.toString()).toContain('userPassword');
    expect(blobs.get('f'.repeat(40))).toBeUndefined();
  });
});
