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

/** Where a mapping or a sequence stands in its file, and where each of its keys or items does. */
export interface NodePosition {
  file: string;
  line: number;
  column: number;
  /** For mappings: the 1-based line of each key. */
  keyLines?: Map<string, number>;
  /** For sequences: the 1-based line of each item. */
  itemLines?: number[];
}

/**
 * Positions of every parsed container, by identity. One instance serves one side (base or head)
 * of a review, across all the files that side reads.
 */
export class PositionIndex {
  private readonly positions = new WeakMap<object, NodePosition>();

  record(value: object, position: NodePosition): void {
    this.positions.set(value, position);
  }

  of(value: unknown): NodePosition | undefined {
    return typeof value === 'object' && value !== null ? this.positions.get(value) : undefined;
  }

  /** The line of `key` inside the mapping `value`, or the mapping's own line. */
  lineOfKey(value: unknown, key: string): number | undefined {
    const position = this.of(value);
    return position?.keyLines?.get(key) ?? position?.line;
  }
}

/** The options the engine parses with; `bench/floor.mjs` measures the same. */
export function yamlParseOptions(limits: Limits, lineCounter: LineCounter) {
  return {
    merge: true,
    uniqueKeys: true,
    maxAliasCount: limits.maxAliases,
    lineCounter,
    prettyErrors: true,
  } as const;
}

export type YamlObject = Record<string, unknown>;

export interface ParsedFile {
  path: string;
  root: unknown;
  /** Every `$ref` string met in the file, to load the files they name before modelling. */
  refs: string[];
}

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
      `the file has ${bytes.byteLength} bytes, over the limit of ${limits.maxFileBytes}`,
    );
  }

  const text = decodeUtf8(path, bytes);
  const lineCounter = new LineCounter();
  const document = parseDocument(text, yamlParseOptions(limits, lineCounter));

  const firstError = document.errors[0];
  if (firstError) {
    const where = firstError.linePos?.[0] ?? { line: 1, col: 1 };
    const reason = firstError.message.split('\n')[0] ?? firstError.message;
    throw new DocumentError(path, where.line, where.col, reason.replace(/ at line \d+.*$/, ''));
  }

  const walker = new Walker(path, document, lineCounter, limits, positions);
  const root = document.contents ? walker.toValue(document.contents, 0) : null;
  return { path, root, refs: walker.refs };
}

function decodeUtf8(path: string, bytes: Uint8Array): string {
  try {
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  } catch {
    throw new DocumentError(path, 1, 1, 'the file is not valid UTF-8 text');
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
      this.fail(node, `nesting is deeper than ${this.limits.maxDepth} levels`);
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
      this.fail(node, `more than ${this.limits.maxAliases} aliases`);
    }

    const target = isAlias(node) ? node.resolve(this.document) : undefined;
    if (!target) this.fail(node, `the alias *${node.source} has no anchor`);
    if (this.inProgress.has(target)) this.fail(node, `the alias *${node.source} contains itself`);
    return this.toValue(target, depth + 1);
  }

  private mapValue(node: YamlNode, depth: number): YamlObject {
    // A null prototype keeps a `__proto__` key from a document from touching Object.prototype.
    const result = Object.create(null) as YamlObject;
    const keyLines = new Map<string, number>();
    const mergeSources: unknown[] = [];
    this.converted.set(node, result);
    this.inProgress.add(node);
    this.recordPosition(node, result, { keyLines });

    const items = isMap(node) ? node.items : [];
    for (const pair of items) {
      const keyNode = pair.key as YamlNode | null;
      const valueNode = pair.value as YamlNode | null;

      if (isScalar(keyNode) && typeof keyNode.value === 'symbol') {
        mergeSources.push(this.toValue(valueNode, depth + 1));
        continue;
      }

      const key = isScalar(keyNode) ? String(keyNode.value) : JSON.stringify(keyNode);
      const value = this.toValue(valueNode, depth + 1);
      result[key] = value;
      keyLines.set(key, this.lineOf(keyNode ?? node));
      if (key === '$ref' && typeof value === 'string') this.refs.push(value);
    }

    this.applyMerges(result, keyLines, mergeSources, node);
    this.inProgress.delete(node);
    return result;
  }

  /**
   * YAML 1.1 merge keys: the map's own keys win, then earlier merge sources win over later ones.
   * Merged keys keep the line where the merged mapping wrote them.
   */
  private applyMerges(
    result: YamlObject,
    keyLines: Map<string, number>,
    mergeSources: unknown[],
    node: YamlNode,
  ): void {
    const sources: unknown[] = mergeSources.flatMap((source): unknown[] =>
      Array.isArray(source) ? (source as unknown[]) : [source],
    );

    for (const source of sources) {
      if (typeof source !== 'object' || source === null || Array.isArray(source)) {
        this.fail(node, 'a merge key (<<) must refer to a mapping or a list of mappings');
      }

      const sourceLines = this.positions.of(source)?.keyLines;
      for (const [key, value] of Object.entries(source as YamlObject)) {
        if (Object.hasOwn(result, key)) continue;
        result[key] = value;
        keyLines.set(key, sourceLines?.get(key) ?? this.lineOf(node));
      }
    }
  }

  private seqValue(node: YamlNode, depth: number): unknown[] {
    const result: unknown[] = [];
    const itemLines: number[] = [];
    this.converted.set(node, result);
    this.inProgress.add(node);
    this.recordPosition(node, result, { itemLines });

    const items = isSeq(node) ? (node.items as (YamlNode | null)[]) : [];
    for (const item of items) {
      result.push(this.toValue(item, depth + 1));
      itemLines.push(this.lineOf(item ?? node));
    }

    this.inProgress.delete(node);
    return result;
  }

  private recordPosition(node: YamlNode, value: object, extra: Partial<NodePosition>): void {
    const offset = node.range?.[0] ?? 0;
    const { line, col } = this.lineCounter.linePos(offset);
    this.positions.record(value, { file: this.path, line, column: col, ...extra });
  }

  private lineOf(node: YamlNode): number {
    return this.lineCounter.linePos(node.range?.[0] ?? 0).line;
  }

  private fail(node: YamlNode, reason: string): never {
    const { line, col } = this.lineCounter.linePos(node.range?.[0] ?? 0);
    throw new DocumentError(this.path, line, col, reason);
  }
}
