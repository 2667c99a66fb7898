/**
 * Structural mutations of parsed documents for the fuzz test: delete a key, replace a value with
 * one of another type, duplicate, move or swap a subtree, insert a `$ref` to a random target,
 * nest deeply, add strange keys and scalars; then, on the serialised text, cut it short or
 * insert junk. Nodes are named by index into `pathsOf`, so an arbitrary needs no document.
 */
import fc from 'fast-check';
import { stringify } from 'yaml';

type Container = Record<string, unknown> | unknown[];
export type Path = (string | number)[];

function isContainer(value: unknown): value is Container {
  return typeof value === 'object' && value !== null;
}

/** Paths of the nodes, the root first, depth-first, at most `limit` of them. */
export function pathsOf(value: unknown, limit = 4000): Path[] {
  const paths: Path[] = [];
  const visit = (node: unknown, path: Path): void => {
    if (paths.length >= limit) return;
    paths.push(path);
    if (Array.isArray(node)) node.forEach((child, index) => visit(child, [...path, index]));
    else if (isContainer(node))
      for (const [key, child] of Object.entries(node)) visit(child, [...path, key]);
  };
  visit(value, []);
  return paths;
}

function get(root: unknown, path: Path): unknown {
  let node = root;
  for (const key of path)
    node = isContainer(node) ? (node as Record<string, unknown>)[key] : undefined;
  return node;
}

/** Sets an own property even for `__proto__`, which plain assignment would treat as the prototype. */
function put(container: Container, key: string | number, value: unknown): void {
  if (Array.isArray(container) && typeof key === 'number') {
    container[key] = value;
    return;
  }
  Object.defineProperty(container, key, {
    value,
    enumerable: true,
    writable: true,
    configurable: true,
  });
}

/** Replaces the node at `path`; the root is replaced by returning the new value. */
function replaceAt(root: unknown, path: Path, value: unknown): unknown {
  if (path.length === 0) return value;
  const parent = get(root, path.slice(0, -1));
  if (isContainer(parent)) put(parent, path[path.length - 1] ?? '', value);
  return root;
}

function deleteAt(root: unknown, path: Path): unknown {
  if (path.length === 0) return null;
  const parent = get(root, path.slice(0, -1));
  const key = path[path.length - 1] ?? '';
  if (Array.isArray(parent) && typeof key === 'number') parent.splice(key, 1);
  else if (isContainer(parent)) delete (parent as Record<string, unknown>)[key];
  return root;
}

/** Whether `target` can be reached from `node`: putting `node` under it would make a cycle. */
function reaches(node: unknown, target: unknown, seen = new Set<unknown>()): boolean {
  if (node === target) return true;
  if (!isContainer(node) || seen.has(node)) return false;
  seen.add(node);
  return Object.values(node).some((child) => reaches(child, target, seen));
}

/** A JSON pointer to `path`, as a `$ref` writes it. */
function pointerTo(path: Path): string {
  return `#${path.map((key) => `/${String(key).replace(/~/g, '~0').replace(/\//g, '~1')}`).join('')}`;
}

export type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'replace'; at: number; value: unknown }
  | { kind: 'duplicate' | 'move'; at: number; to: number; key: string }
  | { kind: 'swap'; at: number; to: number }
  | { kind: 'ref'; at: number; to: number; ref: string | null; file: string }
  | { kind: 'nest'; at: number; depth: number; mapping: boolean }
  | { kind: 'key'; at: number; key: string; value: unknown };

/** Applies one mutation to a copy of `document` (shared subtrees stay shared). */
export function mutate(document: unknown, mutation: Mutation): unknown {
  let root = structuredClone(document);
  const paths = pathsOf(root);
  const pick = (index: number): Path => paths[index % paths.length] ?? [];
  const at = pick(mutation.at);
  const node = get(root, at);

  switch (mutation.kind) {
    case 'delete':
      return deleteAt(root, at);
    case 'replace':
      return replaceAt(root, at, mutation.value);
    case 'duplicate':
    case 'move': {
      const target = get(root, pick(mutation.to));
      if (!isContainer(target) || reaches(node, target)) return root;
      if (mutation.kind === 'move') root = deleteAt(root, at);
      if (Array.isArray(target)) target.push(node);
      else put(target, mutation.key, node);
      return root;
    }
    case 'swap': {
      const other = pick(mutation.to);
      const otherNode = get(root, other);
      if (reaches(node, otherNode) || reaches(otherNode, node)) return root;
      root = replaceAt(root, at, otherNode);
      return replaceAt(root, other, node);
    }
    case 'ref': {
      const ref = mutation.ref ?? `${mutation.file}${pointerTo(pick(mutation.to))}`;
      return replaceAt(root, at, { $ref: ref });
    }
    case 'nest': {
      let nested = node;
      for (let level = 0; level < mutation.depth; level += 1) {
        nested = mutation.mapping ? { [`n${level}`]: nested } : [nested];
      }
      return replaceAt(root, at, nested);
    }
    case 'key':
      if (isContainer(node) && !Array.isArray(node)) put(node, mutation.key, mutation.value);
      return root;
  }
}

const STRANGE_SCALARS: unknown[] = [
  ...[null, true, false, 0, -0, -1, 1e308, Number.NaN, Number.POSITIVE_INFINITY],
  ...['', ' ', '~', 'null', 'yes', 'no', 'on', '0x1F', '0o17', '1e3', '.inf', '2001-12-14'],
  ...['*alias', '&anchor', '!!binary', '!tag', '<<', '$ref', '#', '#/', '%YAML 1.1', '---'],
  ...['\u0000', '\u001b[2J', '\u202e', '\ud800', '\r\n', '::error::x', '<!-- x -->', '__proto__'],
  'x'.repeat(10_000),
];

const STRANGE_KEYS = [
  ...['__proto__', 'constructor', 'toString', 'hasOwnProperty', '', ' ', '<<', '$ref'],
  ...['asyncapi', 'security', 'servers', 'channels', 'operations', 'components'],
  ...['securitySchemes', 'traits', 'protocol', 'type', 'scopes', 'flows', '0', '-1', '1.5'],
];

/** `$ref`s a review must refuse, or that lead nowhere useful. */
const HOSTILE_REFS = [
  ...['http://127.0.0.1:1/x.yaml', 'https://example.com/s.yaml#/a', 'file:///etc/passwd'],
  ...['data:text/yaml;base64,eDogMQ==', '//127.0.0.1/x', '../outside.yaml', '../outside.yaml#/a'],
  ...['/etc/passwd', 'C:\\x.yaml', '..\\outside.yaml', '%2e%2e/outside.yaml', 'a\u0000b.yaml'],
  ...['missing.yaml', 'other.yaml', 'other.yaml#', 'other.yaml#/components', '#', '#/', '#x'],
  ...['#/nope/0', '#/components/securitySchemes/nope', '#/%zz', '', ' ', 'other.yaml#/~2'],
];

export const scalarArb: fc.Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(...STRANGE_SCALARS),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.constant({}),
  fc.constant([]),
  fc.constant({ $ref: 42 }),
);

const keyArb = fc.oneof(fc.constantFrom(...STRANGE_KEYS), fc.string({ maxLength: 12 }));

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: scalarArb }),
  fc.record({
    kind: fc.constantFrom('duplicate' as const, 'move' as const),
    at: fc.nat(),
    to: fc.nat(),
    key: keyArb,
  }),
  fc.record({ kind: fc.constant('swap' as const), at: fc.nat(), to: fc.nat() }),
  fc.record({
    kind: fc.constant('ref' as const),
    at: fc.nat(),
    to: fc.nat(),
    ref: fc.option(fc.oneof(fc.constantFrom(...HOSTILE_REFS), fc.string({ maxLength: 20 }))),
    file: fc.constantFrom('', 'other.yaml'),
  }),
  fc.record({
    kind: fc.constant('nest' as const),
    at: fc.nat(),
    // Past the depth limit sometimes: the review must say so, not crash.
    depth: fc.oneof(fc.integer({ min: 1, max: 20 }), fc.integer({ min: 190, max: 400 })),
    mapping: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('key' as const), at: fc.nat(), key: keyArb, value: scalarArb }),
);

export type TextMutation =
  | { kind: 'none' }
  | { kind: 'truncate'; at: number }
  | { kind: 'insert'; at: number; text: string };

export const textMutationArb: fc.Arbitrary<TextMutation> = fc.oneof(
  { weight: 6, arbitrary: fc.constant({ kind: 'none' as const }) },
  fc.record({ kind: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({
    kind: fc.constant('insert' as const),
    at: fc.nat(),
    text: fc.oneof(
      fc.constantFrom('\t', ': ', '- ', '&a ', '*a', '!!js/function ', '"', '{', ']', '\u0000'),
      fc.string({ unit: 'binary', maxLength: 20 }),
    ),
  }),
);

/** YAML (shared subtrees become anchors and aliases) or JSON, then the text mutation. */
export function serialise(document: unknown, json: boolean, text: TextMutation): string {
  const serialised = json ? JSON.stringify(document, null, 2) : yamlOrJson(document);
  if (text.kind === 'none') return serialised;
  const at = text.at % (serialised.length + 1);
  if (text.kind === 'truncate') return serialised.slice(0, at);
  return `${serialised.slice(0, at)}${text.text}${serialised.slice(at)}`;
}

/** yaml's stringify recurses deeper per level than JSON's: past ~900 levels, JSON it is. */
function yamlOrJson(document: unknown): string {
  try {
    return stringify(document);
  } catch (error) {
    if (!(error instanceof RangeError)) throw error;
    return JSON.stringify(document);
  }
}
