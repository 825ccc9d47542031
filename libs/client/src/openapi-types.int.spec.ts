import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createApp } from '../../../apps/journeys/src/bootstrap';
import { openApiDocument } from '../../../apps/journeys/src/openapi/openapi-document';
import { generateClient } from '../../../scripts/generate-client';

/**
 * The client's types are build output (npm run generate:client, run by build, start and bench), not
 * kept in git. This checks the generation itself: every operation and schema of the served document
 * comes out typed.
 */
describe('the typed client', () => {
  it('is generated from the OpenAPI document with every operation and schema typed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journeys-client-'));
    const app = await createApp({
      JOURNEYS_DATA_DIR: join(dir, 'data'),
      JOURNEYS_API_KEYS: 'reader:admin:reader-key-0000000001',
      LOG_LEVEL: 'error',
    });
    try {
      const document = openApiDocument(app) as unknown as {
        paths: Record<string, Record<string, { operationId?: string }>>;
        components: { schemas: Record<string, unknown> };
      };
      const types = join(dir, 'openapi-types.ts');
      await generateClient(types);
      const text = readFileSync(types, 'utf8');

      const operationIds = Object.values(document.paths).flatMap((item) =>
        Object.values(item).flatMap((op) => (op.operationId ? [op.operationId] : [])),
      );
      expect(operationIds.length).toBeGreaterThan(30);
      const typedOperations = new Set([...text.matchAll(/^ {4}(\w+): \{$/gm)].map((m) => m[1]));
      expect(operationIds.filter((id) => !typedOperations.has(id))).toEqual([]);
      const schemas = Object.keys(document.components.schemas);
      expect(schemas.filter((name) => !text.includes(`        ${name}: `))).toEqual([]);
      for (const path of Object.keys(document.paths)) expect(text).toContain(`    "${path}": {`);
    } finally {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
