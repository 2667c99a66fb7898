// Fails when the committed dist/ differs from a fresh bundle of src/.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

function listFiles(root, dir = root) {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(root, path) : [relative(root, path)];
  });
}

const fresh = mkdtempSync(join(tmpdir(), 'asr-dist-'));
try {
  execFileSync(process.execPath, ['scripts/bundle.mjs', fresh], { stdio: 'inherit' });

  const committed = new Set(listFiles('dist'));
  const built = new Set(listFiles(fresh));
  const differing = [...new Set([...committed, ...built])].filter((file) => {
    if (!committed.has(file) || !built.has(file)) return true;
    return !readFileSync(join('dist', file)).equals(readFileSync(join(fresh, file)));
  });

  if (differing.length > 0) {
    console.error(`dist/ differs from a fresh bundle in: ${differing.join(', ')}`);
    console.error('Run `npm run bundle` and commit dist/.');
    process.exit(1);
  }
  console.log('dist/ matches a fresh bundle.');
} finally {
  rmSync(fresh, { recursive: true, force: true });
}
