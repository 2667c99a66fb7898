// Bundles the Action and the CLI with ncc into dist/ (or the folder given as the first argument).
// `dist/` is committed, so the output must be deterministic: check-dist.mjs rebuilds and compares.
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join, resolve } from 'node:path';

const outDir = resolve(process.argv[2] ?? 'dist');
const entries = [
  { source: 'src/action/index.ts', out: outDir },
  { source: 'src/cli/index.ts', out: join(outDir, 'cli') },
];

rmSync(outDir, { recursive: true, force: true });

for (const entry of entries) {
  execFileSync(
    process.execPath,
    [
      'node_modules/@vercel/ncc/dist/ncc/cli.js',
      'build',
      entry.source,
      '-o',
      entry.out,
      '-q',
      '--license',
      'licenses.txt',
      '--target',
      'es2022',
    ],
    { stdio: 'inherit' },
  );
}
