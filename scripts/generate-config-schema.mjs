// Writes schema/asyncapi-security-review.schema.json from the zod schema of the configuration
// file (src/policy/schema.ts). test/policy/schema.test.ts fails when the committed file differs
// from a fresh generation: run `node scripts/generate-config-schema.mjs` after changing it.
// Vite (installed with vitest) loads the TypeScript source, so no build step is needed.
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { format, resolveConfig } from 'prettier';
import { createServer } from 'vite';

const root = resolve(import.meta.dirname, '..');
const server = await createServer({
  root,
  configFile: false,
  logLevel: 'silent',
  appType: 'custom',
  server: { middlewareMode: true, hmr: false, watch: null },
  optimizeDeps: { noDiscovery: true },
});

try {
  const { configJsonSchema } = await server.ssrLoadModule('/src/policy/schema.ts');
  const out = resolve(root, 'schema', 'asyncapi-security-review.schema.json');
  // Formatted as `npm run lint` expects; the test compares parsed JSON, not the layout.
  writeFileSync(
    out,
    await format(JSON.stringify(configJsonSchema()), {
      ...(await resolveConfig(out)),
      filepath: out,
    }),
  );
  console.log(`wrote ${out}`);
} finally {
  await server.close();
}
