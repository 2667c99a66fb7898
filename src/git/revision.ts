/**
 * One revision of the repository, read without checking it out: its file list and a
 * `FileSource` over its files. Git is the first choice; the REST API stands in when the commit
 * is not in the local clone and cannot be fetched.
 */
import { DEFAULT_LIMITS } from '../load/limits.js';
import { SourceError, type FileSource } from '../load/source.js';
import { runGit } from './run-git.js';
import { listTree, SYMLINK_MODE, type TreeEntry } from './tree.js';

/** Largest file read from a revision, in bytes: the engine's own limit, checked before reading. */
export const MAX_FILE_BYTES = DEFAULT_LIMITS.maxFileBytes;

export interface Revision {
  /** The commit SHA (or, over the REST API only, the ref as given). */
  readonly sha: string;
  /** `base (3f2a9c1)`: how messages name this revision. */
  readonly label: string;
  /** How the files are read, for the log. */
  readonly via: 'git' | 'rest-api';
  listFiles(): Promise<TreeEntry[]>;
  readonly source: FileSource;
}

export function revisionLabel(side: 'base' | 'head', sha: string): string {
  return `${side} (${/^[0-9a-f]{40,64}$/.test(sha) ? sha.slice(0, 7) : sha})`;
}

/** A revision's file list by path, and its symbolic links as a tree of path segments. */
interface FileIndex {
  byPath: Map<string, TreeEntry>;
  links: LinkNode;
}

interface LinkNode {
  isLink: boolean;
  children: Map<string, LinkNode>;
}

function indexFiles(entries: Promise<TreeEntry[]>): Promise<FileIndex> {
  return entries.then((list) => {
    const links: LinkNode = { isLink: false, children: new Map() };
    for (const entry of list) {
      if (entry.mode !== SYMLINK_MODE) continue;
      let node = links;
      for (const segment of entry.path.split('/')) {
        let child = node.children.get(segment);
        if (child === undefined) {
          child = { isLink: false, children: new Map() };
          node.children.set(segment, child);
        }
        node = child;
      }
      node.isLink = true;
    }
    return { byPath: new Map(list.map((entry) => [entry.path, entry])), links };
  });
}

/**
 * The first folder of `path` that the revision lists as a symbolic link, if any. One walk down
 * the segments: a `$ref` may spell a path of thousands of them.
 */
function linkedFolderOf(links: LinkNode, path: string): string | undefined {
  const segments = path.split('/');
  let node = links;
  let length = 0;
  for (const segment of segments.slice(0, -1)) {
    const child = node.children.get(segment);
    if (child === undefined) return undefined;
    length += (length === 0 ? 0 : 1) + segment.length;
    if (child.isLink) return path.slice(0, length);
    node = child;
  }
  return undefined;
}

/**
 * Looks a path up in the revision's file list and refuses what must not be read: a symbolic
 * link (it could point outside the repository or at a file the author may not name), a path
 * through a folder that is a symbolic link, or a file larger than the limit. Resolves to
 * undefined when there is no file at that path.
 */
async function findReadableEntry(
  revision: Revision,
  index: Promise<FileIndex>,
  path: string,
): Promise<TreeEntry | undefined> {
  const { byPath, links } = await index;
  const entry = byPath.get(path);
  if (entry === undefined) {
    // Git lists a linked folder as one link, never its files, so nothing under it can be read;
    // naming the link says why better than "does not exist".
    const link = linkedFolderOf(links, path);
    if (link === undefined) return undefined;
    throw new SourceError(
      path,
      `${path} in ${revision.label} is under ${link}, a symbolic link; links are not followed, ` +
        'because they can point outside the repository. Reference the target file instead.',
    );
  }

  if (entry.mode === SYMLINK_MODE) {
    throw new SourceError(
      path,
      `${path} in ${revision.label} is a symbolic link; links are not followed, because they ` +
        'can point outside the repository. Reference the target file instead.',
    );
  }
  if (entry.size !== null && entry.size > MAX_FILE_BYTES) {
    throw new SourceError(
      path,
      `${path} in ${revision.label} is ${entry.size} bytes, over the ${MAX_FILE_BYTES}-byte ` +
        'limit; split it into files that reference each other.',
    );
  }
  return entry;
}

/** A commit present in the local clone, read with `git ls-tree` and `git cat-file`. */
export class GitRevision implements Revision {
  readonly via = 'git';
  readonly label: string;
  readonly source: FileSource;
  private entries: Promise<TreeEntry[]> | undefined;
  private index: Promise<FileIndex> | undefined;

  constructor(
    readonly repoDir: string,
    readonly sha: string,
    side: 'base' | 'head',
  ) {
    this.label = revisionLabel(side, sha);
    this.source = { label: this.label, readFile: (path) => this.readFile(path) };
  }

  listFiles(): Promise<TreeEntry[]> {
    this.entries ??= listTree(this.repoDir, this.sha);
    return this.entries;
  }

  private async readFile(path: string): Promise<Uint8Array | undefined> {
    this.index ??= indexFiles(this.listFiles());
    const entry = await findReadableEntry(this, this.index, path);
    if (entry === undefined) return undefined;

    const content = await runGit(this.repoDir, ['cat-file', 'blob', entry.oid], {
      maxBuffer: MAX_FILE_BYTES + 1,
    });
    return new Uint8Array(content.buffer, content.byteOffset, content.byteLength);
  }
}

/** The REST calls the fallback needs; the Action implements it with Octokit. */
export interface RepositoryApi {
  /** Every file of the revision (git trees API, recursive). */
  getTree(ref: string): Promise<TreeEntry[]>;
  /** A file's bytes at the revision (contents API); undefined when there is none. */
  getFileContent(path: string, ref: string, oid: string): Promise<Uint8Array | undefined>;
}

/** A revision read over the REST API, for when git cannot provide the commit. */
export class RestRevision implements Revision {
  readonly via = 'rest-api';
  readonly label: string;
  readonly source: FileSource;
  private entries: Promise<TreeEntry[]> | undefined;
  private index: Promise<FileIndex> | undefined;

  constructor(
    private readonly api: RepositoryApi,
    readonly sha: string,
    side: 'base' | 'head',
  ) {
    this.label = revisionLabel(side, sha);
    this.source = { label: this.label, readFile: (path) => this.readFile(path) };
  }

  listFiles(): Promise<TreeEntry[]> {
    this.entries ??= this.api.getTree(this.sha);
    return this.entries;
  }

  // The tree listing is consulted first: the contents API would follow a symbolic link to its
  // target and return the target's content, which must be refused instead.
  private async readFile(path: string): Promise<Uint8Array | undefined> {
    this.index ??= indexFiles(this.listFiles());
    const entry = await findReadableEntry(this, this.index, path);
    if (entry === undefined) return undefined;
    return this.api.getFileContent(path, this.sha, entry.oid);
  }
}
