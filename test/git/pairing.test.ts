import { describe, expect, it } from 'vitest';
import type { FileChange } from '../../src/git/diff.js';
import { changedPaths, pairDocuments, pairStatus } from '../../src/git/pairing.js';
import type { TreeEntry } from '../../src/git/tree.js';

function rename(from: string, to: string): FileChange {
  return { status: 'renamed', path: to, previousPath: from };
}

describe('pairDocuments', () => {
  it('pairs by path, and reports the rest as added and deleted', () => {
    expect(pairDocuments(['a.yaml', 'gone.yaml'], ['a.yaml', 'new.yaml'], [])).toEqual([
      { base: 'a.yaml', head: 'a.yaml', pairing: 'same-path' },
      { base: 'gone.yaml', head: null, pairing: 'deleted' },
      { base: null, head: 'new.yaml', pairing: 'added' },
    ]);
  });

  it('pairs a renamed document with its old path', () => {
    const pairs = pairDocuments(
      ['old.yaml'],
      ['moved/new.yaml'],
      [rename('old.yaml', 'moved/new.yaml')],
    );
    expect(pairs).toEqual([{ base: 'old.yaml', head: 'moved/new.yaml', pairing: 'renamed' }]);
  });

  it('prefers the rename when a new file takes the old path', () => {
    const pairs = pairDocuments(
      ['api.yaml'],
      ['api.yaml', 'api-v1.yaml'],
      [
        rename('api.yaml', 'api-v1.yaml'),
        { status: 'added', path: 'api.yaml', previousPath: null },
      ],
    );
    expect(pairs).toEqual([
      { base: 'api.yaml', head: 'api-v1.yaml', pairing: 'renamed' },
      { base: null, head: 'api.yaml', pairing: 'added' },
    ]);
  });

  it('ignores a rename to a file that is not a document: the document is deleted', () => {
    const pairs = pairDocuments(['api.yaml'], [], [rename('api.yaml', 'api.txt')]);
    expect(pairs).toEqual([{ base: 'api.yaml', head: null, pairing: 'deleted' }]);
  });
});

function entry(path: string, oid: string, mode = '100644'): TreeEntry {
  return { path, mode, oid, size: 1 };
}

describe('changedPaths', () => {
  it('lists paths whose content or mode differs, added and deleted ones included', () => {
    const base = [entry('same', '1'), entry('edited', '2'), entry('gone', '3'), entry('mode', '4')];
    const head = [
      entry('same', '1'),
      entry('edited', '9'),
      entry('new', '5'),
      entry('mode', '4', '120000'),
    ];
    expect([...changedPaths(base, head)].sort()).toEqual(['edited', 'gone', 'mode', 'new']);
  });
});

describe('pairStatus', () => {
  const samePath = { base: 'api.yaml', head: 'api.yaml', pairing: 'same-path' } as const;
  const read = { base: ['api.yaml', 'schemes.yaml'], head: ['api.yaml', 'schemes.yaml'] };

  it('counts a document as modified when only a file it references changed', () => {
    const review = { filesRead: read, status: 'unchanged' as const };
    expect(pairStatus(samePath, review, new Set(['schemes.yaml']))).toBe('modified');
  });

  it('keeps unchanged when nothing it read changed', () => {
    const review = { filesRead: read, status: 'unchanged' as const };
    expect(pairStatus(samePath, review, new Set(['README.md']))).toBe('unchanged');
  });

  it('keeps the pairing of added, deleted and renamed documents', () => {
    const review = { filesRead: read, status: 'modified' as const };
    const renamed = { base: 'a.yaml', head: 'b.yaml', pairing: 'renamed' } as const;
    expect(pairStatus(renamed, review, new Set())).toBe('renamed');
  });
});
