// The floor: the least any YAML-based review can do, reading both files and parsing them into
// a node tree with source positions, then walking that tree once. The CLI's time over this is
// the cost of the review itself.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LineCounter, isCollection, isPair, parseDocument } from 'yaml';

/**
 * The `parseDocument` options of the engine's loader. This must match src/load/yaml.ts, or the
 * floor measures a different parse than the CLI does.
 */
export const YAML_PARSE_OPTIONS = Object.freeze({
  merge: true,
  uniqueKeys: false,
  maxAliasCount: 1000,
  prettyErrors: false,
});

/** Parses one file as the engine does and returns how many nodes its tree holds. */
export function parseAndWalk(path) {
  const lineCounter = new LineCounter();
  const document = parseDocument(readFileSync(path, 'utf8'), {
    ...YAML_PARSE_OPTIONS,
    lineCounter,
  });
  if (document.errors.length > 0) throw document.errors[0];
  return countNodes(document.contents);
}

// A plain recursion rather than yaml's `visit`, the way a review walks the tree it compares.
function countNodes(node) {
  if (!isCollection(node)) return node ? 1 : 0;
  let count = 1;
  for (const item of node.items) {
    count += isPair(item) ? countNodes(item.key) + countNodes(item.value) : countNodes(item);
  }
  return count;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [base, head] = process.argv.slice(2, 4);
  console.log(JSON.stringify({ nodes: parseAndWalk(base) + parseAndWalk(head) }));
}
