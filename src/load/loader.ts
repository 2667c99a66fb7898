/**
 * Loads a document and every file its `$ref`s name, from one revision, then resolves references
 * on demand while the model is built.
 *
 * Files are loaded eagerly (reading is asynchronous, modelling is not) but their errors are kept
 * until a reference actually needs them: a broken message schema in another file must not make
 * a document unreadable, while a broken security scheme must.
 */
import { createHash } from 'node:crypto';
import { posix } from 'node:path';

import { BudgetError, type RunBudget } from './budget.js';
import { DocumentError } from './errors.js';
import type { Limits } from './limits.js';
import { SourceError, type FileSource } from './source.js';
import { parseYamlFile, PositionIndex, type ParsedFile } from './yaml.js';

/** Why a reference could not be followed, with the place it was written. */
export interface RefProblem {
  ref: string;
  reason: string;
  file: string;
  line: number;
}

export type Resolution =
  | {
      ok: true;
      value: unknown;
      file: string;
      pointer: string;
      /** The container that holds the value and its key there, when a pointer was followed. */
      parent?: unknown;
      key?: string;
    }
  | { ok: false; problem: RefProblem };

export interface LoadedDocument {
  path: string;
  root: unknown;
  positions: PositionIndex;
  /** The document first, then every other file read, in the order read. */
  filesRead: string[];
  /** A SHA-256 of every file read, to tell an unchanged document from a changed one. */
  digests: Map<string, string>;
  resolver: RefResolver;
}

/**
 * Loads `path` from `source`; throws `DocumentError` when the document itself is unreadable.
 * With a `budget`, the run's clock is checked before each file and each reference followed,
 * and a spent budget makes the document unreadable (a `BudgetError`).
 */
export async function loadDocument(
  source: FileSource,
  path: string,
  limits: Limits,
  budget?: RunBudget,
): Promise<LoadedDocument> {
  const positions = new PositionIndex();
  const files = new Map<string, ParsedFile | DocumentError>();
  const digests = new Map<string, string>();
  const context: ReadContext = { source, limits, positions, digests, budget };

  const root = await readAndParse(context, path);
  if (root instanceof DocumentError) throw root;
  files.set(path, root);

  // Breadth-first over the files the references name; each file is read once.
  const queue: ParsedFile[] = [root];
  for (let parsed = queue.shift(); parsed; parsed = queue.shift()) {
    for (const ref of parsed.refs) {
      const target = refTarget(parsed.path, ref);
      if (!target.ok || files.has(target.path)) continue;

      if (files.size >= limits.maxFiles) {
        files.set(target.path, tooManyFiles(target.path, limits));
        continue;
      }

      // A spent budget fails the whole document, not just this file: see readAndParse.
      const loaded = await readAndParse(context, target.path);
      files.set(target.path, loaded);
      if (!(loaded instanceof DocumentError)) queue.push(loaded);
    }
  }

  return {
    path,
    root: root.root,
    positions,
    filesRead: [...files.keys()],
    digests,
    resolver: new RefResolver(files, positions, limits, budget),
  };
}

interface ReadContext {
  source: FileSource;
  limits: Limits;
  positions: PositionIndex;
  digests: Map<string, string>;
  budget: RunBudget | undefined;
}

/**
 * Reads and parses one file. Its own errors are returned (kept until a reference needs the
 * file); a spent budget is thrown, because a document read only in part must not be modelled.
 */
async function readAndParse(
  context: ReadContext,
  path: string,
): Promise<ParsedFile | DocumentError> {
  const { source, limits, positions, digests, budget } = context;
  budget?.check(path);
  try {
    const bytes = await source.readFile(path);
    if (bytes === undefined) {
      return new DocumentError(path, 1, 1, `the file does not exist in ${source.label}`);
    }
    digests.set(path, createHash('sha256').update(bytes).digest('hex'));
    const parsed = parseYamlFile(path, bytes, limits, positions);
    // One parse cannot be interrupted (file size bounds it); the clock is read around it.
    budget?.check(path);
    return parsed;
  } catch (error) {
    if (error instanceof BudgetError) throw error;
    if (error instanceof DocumentError) return error;
    if (error instanceof SourceError) return new DocumentError(path, 1, 1, error.message);
    throw error;
  }
}

function tooManyFiles(path: string, limits: Limits): DocumentError {
  return new DocumentError(
    path,
    1,
    1,
    `more than ${limits.maxFiles} files are referenced; merge small files into fewer ones`,
  );
}

type RefTarget = { ok: true; path: string; pointer: string } | { ok: false; reason: string };

/**
 * Where a reference points, as a root-relative path and a JSON pointer. URLs, absolute paths
 * and paths that climb out of the root are refused: they are never read.
 */
export function refTarget(fromFile: string, ref: string): RefTarget {
  const hashAt = ref.indexOf('#');
  const filePart = hashAt === -1 ? ref : ref.slice(0, hashAt);
  const pointer = hashAt === -1 ? '' : ref.slice(hashAt + 1);

  if (filePart === '') return { ok: true, path: fromFile, pointer };

  if (/^[a-z][a-z0-9+.-]*:/i.test(filePart)) {
    return { ok: false, reason: 'URLs are not fetched; inline the definition or copy the file' };
  }
  if (filePart.startsWith('/') || filePart.startsWith('\\')) {
    return { ok: false, reason: 'absolute paths are refused; use a path relative to the file' };
  }

  const path = posix.normalize(posix.join(posix.dirname(fromFile), filePart.replace(/\\/g, '/')));
  if (path === '..' || path.startsWith('../')) {
    return {
      ok: false,
      reason:
        'the path leaves the root folder the review may read (the repository; for the CLI on ' +
        'two files, the folder of the document unless --root names a wider one)',
    };
  }
  return { ok: true, path, pointer };
}

/** Follows references inside the files of one loaded document. */
export class RefResolver {
  private resolutions = 0;
  private readonly resolved = new Map<string, Resolution>();

  constructor(
    private readonly files: Map<string, ParsedFile | DocumentError>,
    private readonly positions: PositionIndex,
    private readonly limits: Limits,
    private readonly budget?: RunBudget,
  ) {}

  /** The file a parsed container came from. */
  fileOf(value: unknown): string | undefined {
    return this.positions.fileOf(value);
  }

  /**
   * Returns `value` itself when it is not a reference, or what its reference chain ends at.
   * `fallbackFile` is used for values without a position (scalars).
   */
  resolve(value: unknown, fallbackFile: string): Resolution {
    const seen = new Set<string>();
    let current = value;
    let currentFile = this.fileOf(value) ?? fallbackFile;
    let currentPointer = '';
    let parent: unknown;
    let parentKey: string | undefined;

    // The same reference from the same file ends at the same place: a document of thousands of
    // operations names a handful of schemes and servers thousands of times.
    const cacheKey = isRefObject(value) ? `${currentFile}#${value.$ref}` : undefined;
    const cached = cacheKey === undefined ? undefined : this.resolved.get(cacheKey);
    if (cached) {
      this.budget?.check(currentFile);
      this.resolutions += 1;
      if (this.resolutions <= this.limits.maxRefs) return cached;
    }

    while (isRefObject(current)) {
      const ref = current.$ref;
      const holder = current;
      const fail = (reason: string): Resolution => ({
        ok: false,
        problem: {
          ref,
          reason,
          file: currentFile,
          line: this.positions.lineOfKey(holder, '$ref') ?? 1,
        },
      });

      // Thrown, not returned: a spent budget is no reason to call one reference unresolved.
      this.budget?.check(currentFile);
      this.resolutions += 1;
      if (this.resolutions > this.limits.maxRefs) {
        return fail(
          `more than ${this.limits.maxRefs} references were followed; ` +
            'split the document, or shorten chains of $refs that point at other $refs',
        );
      }

      const target = refTarget(currentFile, ref);
      if (!target.ok) return fail(target.reason);

      const key = `${target.path}#${target.pointer}`;
      if (seen.has(key)) return fail('the reference is circular');
      seen.add(key);

      const file = this.files.get(target.path);
      if (file === undefined) return fail(`${target.path} was not loaded`);
      if (file instanceof DocumentError) {
        return fail(`${file.file}:${file.line}: ${file.reason}`);
      }

      const found = evaluatePointer(file.root, target.pointer);
      if (!found.ok) return fail(found.reason);

      current = found.value;
      currentFile = target.path;
      currentPointer = target.pointer;
      parent = found.parent;
      parentKey = found.key;
    }

    const resolution: Resolution = {
      ok: true,
      value: current,
      file: currentFile,
      pointer: currentPointer,
      parent,
      key: parentKey,
    };
    if (cacheKey !== undefined) this.resolved.set(cacheKey, resolution);
    return resolution;
  }
}

function isRefObject(value: unknown): value is { $ref: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { $ref?: unknown }).$ref === 'string'
  );
}

/** RFC 6901 JSON pointer evaluation; the pointer may be percent-encoded as in a URI fragment. */
function evaluatePointer(
  root: unknown,
  pointer: string,
): { ok: true; value: unknown; parent?: unknown; key?: string } | { ok: false; reason: string } {
  if (pointer === '' || pointer === '/') return { ok: true, value: root };
  if (!pointer.startsWith('/')) return { ok: false, reason: 'the JSON pointer must start with /' };

  let decoded: string;
  try {
    decoded = decodeURIComponent(pointer);
  } catch {
    return { ok: false, reason: 'the JSON pointer is not valid percent-encoding' };
  }

  let current = root;
  let parent: unknown;
  let key = '';
  for (const rawSegment of decoded.slice(1).split('/')) {
    key = rawSegment.replace(/~1/g, '/').replace(/~0/g, '~');
    const next = childOf(current, key);
    if (next === undefined) return { ok: false, reason: `nothing at ${pointer}` };
    parent = current;
    current = next;
  }
  return { ok: true, value: current, parent, key };
}

function childOf(container: unknown, segment: string): unknown {
  if (Array.isArray(container)) {
    return /^(0|[1-9]\d*)$/.test(segment) ? container[Number(segment)] : undefined;
  }
  if (typeof container === 'object' && container !== null && Object.hasOwn(container, segment)) {
    return (container as Record<string, unknown>)[segment];
  }
  return undefined;
}
