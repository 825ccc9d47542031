import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ApiKey, Role } from '../config/app-config';

export interface Caller {
  name: string;
  role: Role;
}

/** Where the generated admin key lives when JOURNEYS_API_KEYS is unset. */
export function generatedKeyFile(dataDir: string): string {
  return join(dataDir, 'admin-api-key');
}

/**
 * Returns the admin key stored in the data directory, creating it (owner-only permissions) on the
 * first start. The service never runs without keys.
 */
export function ensureGeneratedAdminKey(dataDir: string): { key: ApiKey; file: string; created: boolean } {
  const file = generatedKeyFile(dataDir);
  let created = false;
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, `${randomBytes(24).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    created = true;
  }
  chmodSync(file, 0o600);
  const secret = readFileSync(file, 'utf8').trim();
  return { key: { name: 'admin', role: 'admin', secret }, file, created };
}

const digest = (secret: string) => createHash('sha256').update(secret).digest();

/**
 * Looks up callers by secret. Every stored key is compared, each in constant time over equal-length
 * digests, so neither the match nor its position leaks through timing.
 */
export class ApiKeyRing {
  private readonly entries: { caller: Caller; digest: Buffer }[];

  constructor(keys: readonly ApiKey[]) {
    this.entries = keys.map((k) => ({ caller: { name: k.name, role: k.role }, digest: digest(k.secret) }));
  }

  identify(secret: string): Caller | undefined {
    const presented = digest(secret);
    let found: Caller | undefined;
    for (const entry of this.entries) {
      if (timingSafeEqual(entry.digest, presented) && !found) found = entry.caller;
    }
    return found;
  }
}
