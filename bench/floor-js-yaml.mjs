// A faster floor for reference: js-yaml builds plain objects without a node tree or positions,
// so it shows what the position-keeping `yaml` parse costs on the same files.
import { readFileSync } from 'node:fs';
import { load } from 'js-yaml';

let keys = 0;
for (const path of process.argv.slice(2, 4)) {
  keys += countKeys(load(readFileSync(path, 'utf8')));
}
console.log(JSON.stringify({ keys }));

// Walks the result once, as the yaml floor walks its tree, so both floors do the same work.
function countKeys(value) {
  if (value === null || typeof value !== 'object') return 0;
  const children = Array.isArray(value) ? value : Object.values(value);
  let count = Array.isArray(value) ? 0 : children.length;
  for (const child of children) count += countKeys(child);
  return count;
}
