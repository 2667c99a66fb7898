/**
 * Which files of a revision are AsyncAPI documents: the ones the `files` globs name, or by
 * default every `*.yaml`, `*.yml` and `*.json` whose top level has an `asyncapi` key.
 */
import picomatch from 'picomatch';
import { parseDocument, isMap } from 'yaml';
import { DEFAULT_LIMITS } from '../load/limits.js';
import { nestingBeyond, parserDepthGuard } from '../load/yaml.js';
import { readBlobs } from './run-git.js';
import { GitRevision, MAX_FILE_BYTES, type Revision } from './revision.js';
import { SYMLINK_MODE, type TreeEntry } from './tree.js';

const DOCUMENT_EXTENSION = /\.(ya?ml|json)$/i;

// Read in batches of at most this many bytes, so a repository full of large YAML files does
// not hold them all in memory at once.
const BATCH_BYTES = 64 * 1024 * 1024;

export interface Selection {
  /** Root-relative paths of the documents, sorted. */
  documents: string[];
  /** Candidates too large to inspect: named in the log so nothing is skipped silently. */
  oversized: string[];
}

/** Splits globs into what to include and what a leading `!` excludes. */
export function compileGlobs(globs: string[]): (path: string) => boolean {
  const include = globs.filter((glob) => !glob.startsWith('!'));
  const exclude = globs.filter((glob) => glob.startsWith('!')).map((glob) => glob.slice(1));
  const isIncluded = picomatch(include.length > 0 ? include : ['**'], { dot: true });
  const isExcluded = exclude.length > 0 ? picomatch(exclude, { dot: true }) : () => false;
  return (path) => isIncluded(path) && !isExcluded(path);
}

// Files larger than this are recognised by their first lines instead of a full parse, which
// keeps the default selection fast on repositories with large YAML data files.
const PARSE_BYTES = 2 * 1024 * 1024;
const TOP_LEVEL_KEY = /^(asyncapi|"asyncapi"|'asyncapi')[ \t]*:/m;
const JSON_FIRST_KEY = /^\s*\{\s*"asyncapi"\s*:/;

/**
 * Says whether a file's top level is a mapping with an `asyncapi` key. A file that does not
 * parse still counts when a line starts with the key, so a broken document is reported as
 * invalid rather than dropped from the review.
 */
export function isAsyncApiDocument(content: Uint8Array): boolean {
  const text = new TextDecoder('utf-8').decode(content);
  if (!text.includes('asyncapi')) return false;

  const looksLikeOne = (sample: string) =>
    TOP_LEVEL_KEY.test(sample) || JSON_FIRST_KEY.test(sample);
  if (content.byteLength > PARSE_BYTES) return looksLikeOne(text.slice(0, 64 * 1024));

  // Nesting deep enough to exhaust the parser's stack is not parsed (see nestingBeyond).
  if (nestingBeyond(text, parserDepthGuard(DEFAULT_LIMITS)) !== undefined)
    return looksLikeOne(text);

  try {
    const document = parseDocument(text, { prettyErrors: false });
    if (document.errors.length === 0) {
      return isMap(document.contents) && document.contents.has('asyncapi');
    }
  } catch {
    // A pathological file (nesting deep enough to exhaust the stack) falls through.
  }
  return looksLikeOne(text);
}

/** Reads the candidates' contents, by blob id, through git in batches or through the source. */
async function readCandidates(
  revision: Revision,
  candidates: TreeEntry[],
): Promise<Map<string, Uint8Array | undefined>> {
  if (!(revision instanceof GitRevision)) {
    const contents = new Map<string, Uint8Array | undefined>();
    for (const entry of candidates) {
      contents.set(entry.oid, await revision.source.readFile(entry.path));
    }
    return contents;
  }

  const contents = new Map<string, Uint8Array | undefined>();
  let batch: string[] = [];
  let batchBytes = 0;
  const flush = async (): Promise<void> => {
    const blobs = await readBlobs(revision.repoDir, batch);
    for (const [oid, blob] of blobs) contents.set(oid, blob);
    batch = [];
    batchBytes = 0;
  };

  for (const entry of candidates) {
    if (contents.has(entry.oid) || batch.includes(entry.oid)) continue;
    if (batchBytes + (entry.size ?? 0) > BATCH_BYTES && batch.length > 0) await flush();
    batch.push(entry.oid);
    batchBytes += entry.size ?? 0;
  }
  if (batch.length > 0) await flush();
  return contents;
}

/**
 * Selects the documents of one revision. `knownByOid` carries the verdicts of the other
 * revision: a file with the same blob id has the same content, so it is not read twice.
 */
export async function selectDocuments(
  revision: Revision,
  globs: string[],
  knownByOid: Map<string, boolean> = new Map(),
): Promise<Selection> {
  const entries = await revision.listFiles();

  // Explicit globs name the documents: each one is reviewed, and one that is not AsyncAPI
  // becomes a document-invalid finding instead of disappearing.
  if (globs.length > 0) {
    const matches = compileGlobs(globs);
    const documents = entries.filter((entry) => matches(entry.path)).map((entry) => entry.path);
    return { documents: documents.sort(), oversized: [] };
  }

  // Symbolic links are not followed by the default selection; named through `files`, one is
  // refused with a message when it is read.
  const candidates = entries.filter((entry) => {
    return DOCUMENT_EXTENSION.test(entry.path) && entry.mode !== SYMLINK_MODE;
  });
  const oversized = candidates
    .filter((entry) => (entry.size ?? 0) > MAX_FILE_BYTES)
    .map((entry) => entry.path);
  const inspectable = candidates.filter((entry) => (entry.size ?? 0) <= MAX_FILE_BYTES);

  const unknown = inspectable.filter((entry) => !knownByOid.has(entry.oid));
  const contents = await readCandidates(revision, unknown);
  for (const entry of unknown) {
    const content = contents.get(entry.oid);
    knownByOid.set(entry.oid, content !== undefined && isAsyncApiDocument(content));
  }

  const documents = inspectable
    .filter((entry) => knownByOid.get(entry.oid) === true)
    .map((entry) => entry.path);
  return { documents: documents.sort(), oversized: oversized.sort() };
}
