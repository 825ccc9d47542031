import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { generateClient } from '../../../scripts/generate-client';

describe('the typed client', () => {
  it('is generated from the current OpenAPI document (npm run generate:client when this fails)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journeys-client-'));
    try {
      const fresh = join(dir, 'openapi-types.ts');
      await generateClient(fresh);
      expect(readFileSync(join(__dirname, 'openapi-types.ts'), 'utf8')).toBe(readFileSync(fresh, 'utf8'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);
});
