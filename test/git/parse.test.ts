import { describe, expect, it } from 'vitest';
import { parseNameStatus } from '../../src/git/diff.js';
import { parseCatFileBatch } from '../../src/git/run-git.js';
import { parseLsTree } from '../../src/git/tree.js';

describe('parseNameStatus', () => {
  it('reads added, deleted, modified, renamed and copied entries', () => {
    const output = [
      'A',
      'new.yaml',
      'D',
      'gone.yaml',
      'M',
      'same.yaml',
      'R087',
      'old name.yaml',
      'new name.yaml',
      'C100',
      'a.yaml',
      'b.yaml',
      '',
    ].join('\0');
    expect(parseNameStatus(output)).toEqual([
      { status: 'added', path: 'new.yaml', previousPath: null },
      { status: 'deleted', path: 'gone.yaml', previousPath: null },
      { status: 'modified', path: 'same.yaml', previousPath: null },
      { status: 'renamed', path: 'new name.yaml', previousPath: 'old name.yaml' },
      { status: 'copied', path: 'b.yaml', previousPath: 'a.yaml' },
    ]);
  });

  it('keeps paths with tabs and newlines whole', () => {
    expect(parseNameStatus('M\0we\tird\nname.yaml\0')).toEqual([
      { status: 'modified', path: 'we\tird\nname.yaml', previousPath: null },
    ]);
  });
});

describe('parseLsTree', () => {
  it('keeps blobs with their mode, id and size, and drops submodules', () => {
    const output = [
      '100644 blob 1111111111111111111111111111111111111111     120\tapi/asyncapi.yaml',
      '120000 blob 2222222222222222222222222222222222222222      14\tlink.yaml',
      '160000 commit 3333333333333333333333333333333333333333       -\tvendor/sub',
      '',
    ].join('\0');
    expect(parseLsTree(output)).toEqual([
      { path: 'api/asyncapi.yaml', mode: '100644', oid: '1'.repeat(40), size: 120 },
      { path: 'link.yaml', mode: '120000', oid: '2'.repeat(40), size: 14 },
    ]);
  });
});

describe('parseCatFileBatch', () => {
  it('splits contents by the sizes in the headers, binary-safe, and marks missing objects', () => {
    const output = Buffer.concat([
      Buffer.from('aaa blob 3\nx\ny\n'),
      Buffer.from('bbb missing\n'),
      Buffer.from('ccc blob 2\n\0\n\n'),
    ]);
    const blobs = new Map<string, Buffer | undefined>();
    parseCatFileBatch(output, ['aaa', 'bbb', 'ccc'], blobs);
    expect(blobs.get('aaa')?.toString()).toBe('x\ny');
    expect(blobs.get('bbb')).toBeUndefined();
    expect(blobs.get('ccc')).toEqual(Buffer.from('\0\n'));
  });
});
