import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { contractValidator, type Problem } from '@journeys/contract';

/** A file of the journeys-as-code layout: a journey definition or a trigger definition. */
export type DefinitionFile =
  | { kind: 'journey'; file: string; body: Record<string, unknown> }
  | { kind: 'trigger'; file: string; body: Record<string, unknown> }
  | { kind: 'invalid'; file: string; problems: Problem[] };

/** Every `*.json` file under the paths (directories recursively, in name order). */
export function jsonFiles(paths: readonly string[]): string[] {
  return paths.flatMap((path) => {
    if (!statSync(path).isDirectory()) return [path];
    return readdirSync(path)
      .sort()
      .flatMap((name) => {
        const child = join(path, name);
        return statSync(child).isDirectory() ? jsonFiles([child]) : name.endsWith('.json') ? [child] : [];
      });
  });
}

/**
 * Reads and classifies one file: a trigger definition has `attributes` and no `steps`; anything
 * else is read as a journey definition (its shape is checked later, with every problem).
 */
export function readDefinitionFile(file: string, cwd = process.cwd()): DefinitionFile {
  const shown = relative(cwd, file) || file;
  let body: unknown;
  try {
    body = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    return {
      kind: 'invalid',
      file: shown,
      problems: [{ code: 'BadJson', path: '$', message: (error as Error).message }],
    };
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return {
      kind: 'invalid',
      file: shown,
      problems: [{ code: 'WrongType', path: '$', message: 'a definition file holds one JSON object' }],
    };
  }
  const object = body as Record<string, unknown>;
  if ('attributes' in object && !('steps' in object)) {
    const problems = contractValidator().validate('trigger-definition-request.json', object);
    return problems.length
      ? { kind: 'invalid', file: shown, problems }
      : { kind: 'trigger', file: shown, body: object };
  }
  return { kind: 'journey', file: shown, body: object };
}
