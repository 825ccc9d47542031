import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

/** The service's package.json (name, version), found upwards from here: the same from sources and from dist. */
export function packageInfo(): { name: string; version: string; description: string } {
  for (let dir = __dirname; ; dir = dirname(dir)) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const json = JSON.parse(readFileSync(file, 'utf8')) as { name: string; version: string; description: string };
      if (json.name === 'journeys') return json;
    }
    if (dirname(dir) === dir) throw new Error('package.json of journeys not found');
  }
}
