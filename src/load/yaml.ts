/**
 * Parses one YAML or JSON file into plain values while recording where every mapping and sequence
 * came from, so that a finding can point at the line a reviewer must read.
 *
 * The walk is our own rather than `toJS()` because positions are lost there, and because our walk
 * can bound what hostile input costs: aliases are shared (never copied), counted, and a recursive
 * alias is an error instead of a hang.
 */
import { isAlias, isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode, ParsedNode } from 'yaml';

import type { Limits } from './limits.js';
import { DocumentError } from './errors.js';

/** Where a mapping or a sequence stands: its file, and its node to find lines in on demand. */
interface NodeRecord {
  file: string;
  node: YamlNode;
  lineCounter: LineCounter;
  /** Lines of keys that a merge key (`<<`) brought in from another mapping. */
  mergedKeyLines?: Map<string, number>;
  /** Built on the first key lookup: a mapping of thousands of keys is searched once. */
  keyOffsets?: Map<string, number>;
}

/**
 * Positions of every parsed container, by identity. One instance serves one side (base or head)
 * of a review, across all the files that side reads. Lines are computed only when asked for,
 * which is for the few nodes a finding or a model location names.
 */
export class PositionIndex {
  /**
   * Records hang off the values under a symbol rather than in a WeakMap: a large document has
   * hundreds of thousands of containers, and a property is several times cheaper to set and
   * read. Symbol keys never appear in `Object.entries`, `Object.hasOwn(key)` or JSON.
   */
  private readonly key = Symbol('position');

  record(value: object, record: NodeRecord): void {
    (value as Record<symbol, NodeRecord>)[this.key] = record;
  }

  fileOf(value: unknown): string | undefined {
    return this.recordOf(value)?.file;
  }

  /** The 1-based line where a mapping or sequence starts. */
  lineOf(value: unknown): number | undefined {
    const record = this.recordOf(value);
    return record ? lineAt(record, record.node) : undefined;
  }

  /** The line of `key` inside the mapping `value`, or the mapping's own line. */
  lineOfKey(value: unknown, key: string): number | undefined {
    const record = this.recordOf(value);
    if (!record) return undefined;

    const offset = keyOffset(record, key);
    if (offset !== undefined) return record.lineCounter.linePos(offset).line;
    return record.mergedKeyLines?.get(key) ?? lineAt(record, record.node);
  }

  /** The line of item `index` of the sequence `value`. */
  lineOfItem(value: unknown, index: number): number | undefined {
    const record = this.recordOf(value);
    const item = record && isSeq(record.node) ? (record.node.items[index] as YamlNode) : undefined;
    return record && item ? lineAt(record, item) : undefined;
  }

  private recordOf(value: unknown): NodeRecord | undefined {
    return typeof value === 'object' && value !== null
      ? (value as Record<symbol, NodeRecord | undefined>)[this.key]
      : undefined;
  }
}

function lineAt(record: NodeRecord, node: YamlNode): number {
  return record.lineCounter.linePos(node.range?.[0] ?? 0).line;
}

/** Small mappings are scanned; a large one gets an index on its first lookup. */
const SCAN_LIMIT = 16;

function keyOffset(record: NodeRecord, key: string): number | undefined {
  const node = record.node;
  if (!isMap(node)) return undefined;

  if (node.items.length <= SCAN_LIMIT) {
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      if (isScalar(keyNode) && typeof keyNode.value !== 'symbol' && String(keyNode.value) === key) {
        return keyNode.range?.[0] ?? 0;
      }
    }
    return undefined;
  }

  record.keyOffsets ??= keyOffsetsOf(node);
  return record.keyOffsets.get(key);
}

function keyOffsetsOf(node: YamlNode): Map<string, number> {
  const offsets = new Map<string, number>();
  if (!isMap(node)) return offsets;

  for (const pair of node.items) {
    const key = pair.key as YamlNode | null;
    if (isScalar(key) && typeof key.value !== 'symbol' && !offsets.has(String(key.value))) {
      offsets.set(String(key.value), key.range?.[0] ?? 0);
    }
  }
  return offsets;
}

/**
 * The options the engine parses with; `bench/floor.mjs` measures the same. Duplicate keys are
 * found by our own walk in constant time per key: the library's `uniqueKeys` compares every key
 * with every earlier key of its map, which is quadratic in a map of thousands of operations.
 * `prettyErrors` is off for the same reason: it copies the source line into every error, and
 * one long line of thousands of bad escapes made it quadratic (seconds for 100 kB). Only the
 * first error is reported, and its line and column come from the line counter.
 */
export function yamlParseOptions(limits: Limits, lineCounter: LineCounter) {
  return {
    merge: true,
    uniqueKeys: false,
    maxAliasCount: limits.maxAliases,
    lineCounter,
    prettyErrors: false,
  } as const;
}

export type YamlObject = Record<string, unknown>;

export interface ParsedFile {
  path: string;
  root: unknown;
  /** Every `$ref` string met in the file, to load the files they name before modelling. */
  refs: string[];
}

const FLATTEN = 'flatten it, or move the deep part to a file of its own and $ref it';

/** Decodes and parses a file; throws `DocumentError` with file, line and column on bad input. */
export function parseYamlFile(
  path: string,
  bytes: Uint8Array,
  limits: Limits,
  positions: PositionIndex,
): ParsedFile {
  if (bytes.byteLength > limits.maxFileBytes) {
    throw new DocumentError(
      path,
      1,
      1,
      `the file has ${bytes.byteLength} bytes, over the limit of ${limits.maxFileBytes}; ` +
        'split it into files that reference each other',
    );
  }

  const text = decodeUtf8(path, bytes);
  const tooDeep = nestingBeyond(text, parserDepthGuard(limits));
  if (tooDeep !== undefined) {
    throw new DocumentError(path, tooDeep.line, tooDeep.column, tooDeepReason(limits));
  }

  const lineCounter = new LineCounter();
  const document = parseDocument(text, yamlParseOptions(limits, lineCounter));

  const firstError = document.errors[0];
  if (firstError) {
    const where = lineCounter.linePos(firstError.pos[0]);
    // yaml composes recursively: nesting thousands of levels deep exhausts the stack before our
    // own walk can count levels, and yaml reports that as a resource exhaustion.
    const reason =
      firstError.code === 'RESOURCE_EXHAUSTION'
        ? tooDeepReason(limits)
        : firstError.code === 'MULTIPLE_DOCS'
          ? 'the file holds more than one YAML document (a line of ---); an AsyncAPI ' +
            'document is one, so split the file'
          : (firstError.message.split('\n')[0] ?? firstError.message);
    throw new DocumentError(path, where.line, where.col, reason);
  }

  const walker = new Walker(path, document, lineCounter, limits, positions);
  const root = document.contents ? walker.toValue(document.contents, 0) : null;
  return { path, root, refs: walker.refs };
}

function tooDeepReason(limits: Limits): string {
  return (
    `nesting is too deep for the parser, far deeper than the limit of ${limits.maxDepth} ` +
    `levels; ${FLATTEN}`
  );
}

/**
 * Levels past which a file is not handed to yaml at all. yaml composes recursively, and
 * nesting thousands of levels deep exhausts the stack; V8 usually reports that as a
 * RangeError, which yaml turns into an error, but a stack that runs out while V8 compiles a
 * regular expression kills the process instead (seen in the regex tests, one run in three).
 * Twice the limit our own walk enforces leaves it the levels in between, with exact lines.
 */
export function parserDepthGuard(limits: Pick<Limits, 'maxDepth'>): number {
  return 2 * limits.maxDepth;
}

/**
 * Where the nesting of `text` first goes past `levels`, by a linear scan that over-counts
 * rather than under-counts: flow brackets outside quotes and comments, plus, per line, the
 * block levels that indentation opens and the `- ` entries that start it. Undefined when it
 * never does. The scan only guards the parser; the exact depth is counted on the parsed tree.
 */
export function nestingBeyond(
  text: string,
  levels: number,
): { line: number; column: number } | undefined {
  const indents: number[] = [];
  let flow = 0;
  let quote: '"' | "'" | null = null;
  let line = 1;
  let lineStart = 0;
  let atLineStart = true;

  for (let index = 0; index < text.length; index += 1) {
    const character = text[index];

    if (character === '\n') {
      line += 1;
      lineStart = index + 1;
      // A quoted scalar that spans lines opens no block level on its next line.
      atLineStart = quote === null;
      continue;
    }

    if (quote !== null) {
      if (character === '\\' && quote === '"') index += 1;
      else if (character === quote) quote = null;
      continue;
    }

    if (atLineStart && flow === 0) {
      // Block context: the indentation of this line, then its run of `- ` entries.
      let column = index;
      while (text[column] === ' ') column += 1;
      const next = text[column];
      if (next === '\n' || next === '#' || next === '\r' || next === undefined) {
        index = column - 1;
        atLineStart = false;
        continue;
      }
      const indent = column - lineStart;
      while (indents.length > 0 && (indents[indents.length - 1] ?? 0) >= indent) indents.pop();
      indents.push(indent);
      let entries = 0;
      while (text[column] === '-' && text[column + 1] === ' ') {
        entries += 1;
        column += 2;
        while (text[column] === ' ') column += 1;
      }
      if (indents.length + entries > levels) return { line, column: column - lineStart + 1 };
      index = column - 1;
      atLineStart = false;
      continue;
    }
    atLineStart = false;

    const previous = index === lineStart ? ' ' : (text[index - 1] ?? ' ');
    const afterBlank = previous === ' ' || previous === '\t';
    if (character === '#' && afterBlank) {
      // A comment runs to the end of the line.
      const end = text.indexOf('\n', index);
      index = (end === -1 ? text.length : end) - 1;
    } else if (
      (character === '"' || character === "'") &&
      (afterBlank || '[{,:'.includes(previous))
    ) {
      quote = character;
    } else if (character === '[' || character === '{') {
      flow += 1;
      if (indents.length + flow > levels) return { line, column: index - lineStart + 1 };
    } else if ((character === ']' || character === '}') && flow > 0) {
      flow -= 1;
    }
  }
  return undefined;
}

/** Keys are quoted in messages; a hostile key must not flood them. */
function clipKey(key: string): string {
  return JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key);
}

function decodeUtf8(path: string, bytes: Uint8Array): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new DocumentError(path, 1, 1, 'the file is not valid UTF-8 text; save it as UTF-8');
  }
}

class Walker {
  readonly refs: string[] = [];
  private aliasCount = 0;
  private readonly converted = new Map<YamlNode, unknown>();
  private readonly inProgress = new Set<YamlNode>();

  constructor(
    private readonly path: string,
    private readonly document: Document.Parsed,
    private readonly lineCounter: LineCounter,
    private readonly limits: Limits,
    private readonly positions: PositionIndex,
  ) {}

  toValue(node: YamlNode | ParsedNode | null, depth: number): unknown {
    if (node === null) return null;

    if (depth > this.limits.maxDepth) {
      this.fail(node, `nesting is deeper than ${this.limits.maxDepth} levels; ${FLATTEN}`);
    }

    if (isAlias(node)) return this.aliasValue(node, depth);
    if (isScalar(node)) return node.value;

    // An anchored container may be reached again through an alias: convert it once.
    const done = this.converted.get(node);
    if (done !== undefined) return done;

    if (isMap(node)) return this.mapValue(node, depth);
    if (isSeq(node)) return this.seqValue(node, depth);
    return null;
  }

  private aliasValue(node: YamlNode & { source: string }, depth: number): unknown {
    this.aliasCount += 1;
    if (this.aliasCount > this.limits.maxAliases) {
      this.fail(
        node,
        `more than ${this.limits.maxAliases} aliases; ` +
          'define the repeated part once under components and $ref it',
      );
    }

    const target = isAlias(node) ? node.resolve(this.document) : undefined;
    if (!target) this.fail(node, `the alias *${node.source} has no anchor`);
    if (this.inProgress.has(target)) this.fail(node, `the alias *${node.source} contains itself`);
    return this.toValue(target, depth + 1);
  }

  private mapValue(node: YamlNode, depth: number): YamlObject {
    // A null prototype keeps a `__proto__` key from a document from touching Object.prototype.
    const result = Object.create(null) as YamlObject;
    const mergeSources: unknown[] = [];
    this.converted.set(node, result);
    this.inProgress.add(node);
    this.positions.record(result, this.recordFor(node));

    const items = isMap(node) ? node.items : [];
    for (const pair of items) {
      const keyNode = pair.key as YamlNode | null;
      const valueNode = pair.value as YamlNode | null;

      if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        mergeSources.push(this.toValue(valueNode, depth + 1));
        continue;
      }

      const key = isScalar(keyNode) ? String(keyNode.value) : JSON.stringify(keyNode);
      if (Object.hasOwn(result, key)) {
        this.fail(keyNode ?? node, `the key ${clipKey(key)} appears twice in one mapping`);
      }
      const value = this.toValue(valueNode, depth + 1);
      result[key] = value;
      if (key === '$ref' && typeof value === 'string') this.refs.push(value);
    }

    if (mergeSources.length > 0) this.applyMerges(result, mergeSources, node);
    this.inProgress.delete(node);
    return result;
  }

  /**
   * YAML 1.1 merge keys: the map's own keys win, then earlier merge sources win over later ones.
   * Merged keys keep the line where the merged mapping wrote them.
   */
  private applyMerges(result: YamlObject, mergeSources: unknown[], node: YamlNode): void {
    const mergedKeyLines = new Map<string, number>();
    const sources: unknown[] = mergeSources.flatMap((source): unknown[] =>
      Array.isArray(source) ? (source as unknown[]) : [source],
    );

    for (const source of sources) {
      if (typeof source !== 'object' || source === null || Array.isArray(source)) {
        this.fail(node, 'a merge key (<<) must refer to a mapping or a list of mappings');
      }

      for (const [key, value] of Object.entries(source as YamlObject)) {
        if (Object.hasOwn(result, key)) continue;
        result[key] = value;
        mergedKeyLines.set(key, this.positions.lineOfKey(source, key) ?? this.lineOf(node));
      }
    }

    const record = this.recordFor(node);
    record.mergedKeyLines = mergedKeyLines;
    this.positions.record(result, record);
  }

  private seqValue(node: YamlNode, depth: number): unknown[] {
    const result: unknown[] = [];
    this.converted.set(node, result);
    this.inProgress.add(node);
    this.positions.record(result, this.recordFor(node));

    const items = isSeq(node) ? (node.items as (YamlNode | null)[]) : [];
    for (const item of items) result.push(this.toValue(item, depth + 1));

    this.inProgress.delete(node);
    return result;
  }

  private recordFor(node: YamlNode): NodeRecord {
    return { file: this.path, node, lineCounter: this.lineCounter };
  }

  private lineOf(node: YamlNode): number {
    return this.lineCounter.linePos(node.range?.[0] ?? 0).line;
  }

  private fail(node: YamlNode, reason: string): never {
    const { line, col } = this.lineCounter.linePos(node.range?.[0] ?? 0);
    throw new DocumentError(this.path, line, col, reason);
  }
}
