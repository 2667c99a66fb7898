/** Where the shared corpus of real AsyncAPI documents lives, and which of its files are documents. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

export const corpusRoot = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus');
export const hasCorpus = existsSync(join(corpusRoot, 'SOURCES.md'));

/** Every YAML or JSON file but the `$ref` fragments under `common/` folders. */
export function corpusDocuments(): string[] {
  if (!hasCorpus) return [];
  const walk = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return name === 'common' ? [] : walk(path);
      return /\.(ya?ml|json)$/.test(name) ? [relative(corpusRoot, path)] : [];
    });
  return walk(corpusRoot).sort();
}
