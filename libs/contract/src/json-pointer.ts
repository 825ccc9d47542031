/** JSON Pointers (ajv's `instancePath`) as the JSON paths problems carry: `/steps/2/next` -> `$.steps[2].next`. */
const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `$.a` + `b` -> `$.a.b`; keys that are not identifiers use brackets: `$.a['first name']`. */
export function childPath(path: string, key: string): string {
  if (IDENTIFIER.test(key)) return `${path}.${key}`;
  return `${path}['${key.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}']`;
}

function segments(pointer: string): string[] {
  if (pointer === '') return [];
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** The JSON path of `pointer` inside `root`: list items are `[n]`, object keys `.key` or `['key']`. */
export function pointerToPath(root: unknown, pointer: string, base = '$'): string {
  let path = base;
  let value = root;
  for (const segment of segments(pointer)) {
    path = Array.isArray(value) ? `${path}[${segment}]` : childPath(path, segment);
    value = value === null || typeof value !== 'object' ? undefined : (value as Record<string, unknown>)[segment];
  }
  return path;
}

export function valueAt(root: unknown, pointer: string): unknown {
  let value = root;
  for (const segment of segments(pointer)) {
    if (value === null || typeof value !== 'object' || !Object.hasOwn(value, segment)) return undefined;
    value = (value as Record<string, unknown>)[segment];
  }
  return value;
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'text';
  return `a ${typeof value}`;
}
