/**
 * Regenerates the typed client's types from the service itself: the OpenAPI document (as served at
 * /docs/openapi.json) through openapi-typescript into `libs/client/src/openapi-types.ts`.
 * `npm run generate:client`; a test fails when the file is stale.
 *
 *   node -r ./libs/testing/src/ts-register.js scripts/generate-client.ts [outDir]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createApp } from '../apps/journeys/src/bootstrap';
import { openApiDocument } from '../apps/journeys/src/openapi/openapi-document';

const ROOT = resolve(__dirname, '..');

/** Writes the types to `output` (default libs/client/src/openapi-types.ts). */
export async function generateClient(output = join(ROOT, 'libs/client/src/openapi-types.ts')): Promise<void> {
  const dataDir = mkdtempSync(join(tmpdir(), 'journeys-openapi-'));
  const app = await createApp({
    JOURNEYS_DATA_DIR: dataDir,
    JOURNEYS_API_KEYS: 'generator:admin:generator-key-000001',
    LOG_LEVEL: 'error',
  });
  try {
    const document = openApiDocument(app);
    const json = join(dataDir, 'openapi.json');
    writeFileSync(json, `${JSON.stringify(document, null, 2)}\n`);
    const bin = join(ROOT, 'node_modules/openapi-typescript/bin/cli.js');
    execFileSync(process.execPath, [bin, json, '--output', output, '--export-type'], {
      cwd: ROOT,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  generateClient(process.argv[2] ? resolve(process.argv[2]) : undefined).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
