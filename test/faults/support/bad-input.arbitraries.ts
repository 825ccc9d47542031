import fc from 'fast-check';
import { loyaltyDigestJourneyExample, welcomeJourneyExample } from '@journeys/definition';

/**
 * Generators of bad input: garbage values (wrong types, huge, deeply nested, unicode, nulls, names
 * that mean something to JavaScript), malformed JSON text, and near-valid mutants of the example
 * definitions. Bodies are produced as JSON text so nesting can go deeper than JSON.stringify allows.
 */

const DEEP_MARKER = '\u0000deep:';
const DEEP_LEAF = '{"attribute":"trigger.plan","op":"eq","value":"x"}';

/** Raw JSON nested `depth` levels deep (JSON.parse takes it; a recursive walk may not). */
function deepJson(kind: string, depth: number): string {
  switch (kind) {
    case 'array':
      return '['.repeat(depth) + ']'.repeat(depth);
    case 'object':
      return '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);
    case 'not':
      return '{"not":'.repeat(depth) + DEEP_LEAF + '}'.repeat(depth);
    default:
      return '{"all":['.repeat(depth) + DEEP_LEAF + ']}'.repeat(depth);
  }
}

/** A placeholder that {@link toJsonText} replaces with raw deep JSON. */
const deepValue = fc
  .record({ kind: fc.constantFrom('array', 'object', 'not', 'all'), depth: fc.integer({ min: 11, max: 60_000 }) })
  .map(({ kind, depth }) => `${DEEP_MARKER}${kind}:${depth}`);

/** JSON text of a generated value, with deep placeholders spliced in as raw text. */
export function toJsonText(value: unknown): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.replace(/"\\u0000deep:(\w+):(\d+)"/g, (_, kind: string, depth: string) => deepJson(kind, Number(depth)));
}

const hugeString = fc
  .record({ unit: fc.constantFrom('x', 'é', '🦄', '\u0000', ' '), length: fc.integer({ min: 5_000, max: 300_000 }) })
  .map(({ unit, length }) => unit.repeat(length));

const trickyStrings = fc.constantFrom(
  '',
  ' ',
  '\u0000',
  '\ud800',
  '\udfff\ud800',
  '\u202e\u0041',
  'e\u0301',
  '🦄'.repeat(60),
  'DROP TABLE events;--',
  "' OR 1=1 --",
  '../../../etc/passwd',
  '%00%2e%2e',
  '__proto__',
  'constructor',
  'prototype',
  'hasOwnProperty',
  '${process.exit()}',
  '<script>alert(1)</script>',
  '2026-02-30T25:61:00Z',
  'P99999999D',
  'PT-1H',
  'Etc/Unknown',
  'NaN',
  '-0',
  '1e309',
);

/** Keys a definition or message does not know, including those that mean something to JavaScript. */
export const unknownKey = fc.oneof(
  fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'x-extra', ''),
  fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }),
);

/** An object with own keys (assigned with defineProperty, so `__proto__` is a plain key too). */
function ownObject(entries: readonly (readonly [string, unknown])[]): Record<string, unknown> {
  const target: Record<string, unknown> = {};
  for (const [key, value] of entries) {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return target;
}

const scalarGarbage: fc.Arbitrary<unknown> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.double(),
  fc.constantFrom(1e308, -1e308, 2 ** 64, Number.MAX_SAFE_INTEGER + 2, -0, 0.1, -1),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  trickyStrings,
);

/** Any value where a field is expected: wrong types, huge, deep, unicode, nulls, unknown shapes. */
export const garbageValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: scalarGarbage },
  { weight: 1, arbitrary: hugeString },
  { weight: 1, arbitrary: deepValue },
  { weight: 2, arbitrary: fc.array(scalarGarbage, { maxLength: 6 }) },
  { weight: 1, arbitrary: fc.array(fc.constant({}), { minLength: 1_001, maxLength: 12_000 }) },
  {
    weight: 2,
    arbitrary: fc.array(fc.tuple(unknownKey, scalarGarbage), { maxLength: 5 }).map(ownObject),
  },
);

/** Text that is not the JSON the endpoint wants: malformed, truncated, or JSON that JavaScript trips on. */
export const malformedJsonText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: 'binary', maxLength: 200 }),
  fc.json().map((text) => text.slice(0, Math.max(0, text.length - 1))),
  fc.json().chain((text) => fc.nat(Math.max(0, text.length - 1)).map((i) => text.slice(0, i) + text.slice(i + 1))),
  fc.constantFrom(
    '{',
    '[',
    '{"a":}',
    '{"a" 1}',
    "{'a':1}",
    'nul',
    'tru',
    '01',
    '{"a":1,}',
    '[1,]',
    'NaN',
    'Infinity',
    '\u0000',
    '\ufeff{}',
    '{"__proto__":{"isAdmin":true}}',
    '{"constructor":{"prototype":{"polluted":true}}}',
    '"\\ud800"',
    '1e999999',
    '-',
    '{"a":"\\x41"}',
    '{"a":1}{"b":2}',
    '[' + '{"a":'.repeat(5_000),
  ),
);

/** Content types a client may send by mistake (undefined: no header at all). */
export const contentType = fc.constantFrom<string | undefined>(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'application/xml',
  'multipart/form-data; boundary=x',
  'garbage/;;;',
  undefined,
);

type PathStep = string | number;

/** Every path inside a JSON value: object keys and array indices, the root as []. */
function pathsOf(value: unknown, prefix: PathStep[] = []): PathStep[][] {
  const paths: PathStep[][] = [prefix];
  if (Array.isArray(value)) value.forEach((item, i) => paths.push(...pathsOf(item, [...prefix, i])));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  }
  return paths;
}

type Mutation =
  | { op: 'replace'; path: PathStep[]; value: unknown }
  | { op: 'delete'; path: PathStep[] }
  | { op: 'add-field'; path: PathStep[]; key: string; value: unknown };

function containerAt(root: unknown, path: PathStep[]): unknown {
  let node = root;
  for (const step of path) {
    if (typeof node !== 'object' || node === null) return undefined;
    node = (node as Record<PathStep, unknown>)[step];
  }
  return node;
}

/** Applies a mutation to a (cloned) definition; the root itself may be replaced. */
function mutate(root: unknown, mutation: Mutation): unknown {
  if (mutation.path.length === 0 && mutation.op !== 'add-field') {
    return mutation.op === 'replace' ? mutation.value : undefined;
  }
  if (mutation.op === 'add-field') {
    const node = containerAt(root, mutation.path);
    if (typeof node === 'object' && node !== null && !Array.isArray(node)) {
      Object.defineProperty(node, mutation.key, {
        value: mutation.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return root;
  }
  const parent = containerAt(root, mutation.path.slice(0, -1));
  const last = mutation.path[mutation.path.length - 1];
  if (typeof parent !== 'object' || parent === null) return root;
  if (mutation.op === 'delete') {
    if (Array.isArray(parent) && typeof last === 'number') parent.splice(last, 1);
    else delete (parent as Record<PathStep, unknown>)[last];
  } else {
    (parent as Record<PathStep, unknown>)[last] = mutation.value;
  }
  return root;
}

/** A near-valid value: one of `bases` with zero to four fields deleted, replaced by garbage, or added. */
export function mutantOf(bases: readonly unknown[]): fc.Arbitrary<unknown> {
  return fc.constantFrom(...bases.keys()).chain((which) => {
    const base = bases[which];
    const path = fc.constantFrom(...pathsOf(base));
    const mutation: fc.Arbitrary<Mutation> = fc.oneof(
      fc.record({ op: fc.constant('replace' as const), path, value: garbageValue }),
      fc.record({ op: fc.constant('delete' as const), path }),
      fc.record({ op: fc.constant('add-field' as const), path, key: unknownKey, value: garbageValue }),
    );
    return fc
      .array(mutation, { minLength: 0, maxLength: 4 })
      .map((mutations) => mutations.reduce(mutate, structuredClone(base) as unknown));
  });
}

/** Near-valid journey definitions, from the two example journeys. */
export const definitionMutant = mutantOf([welcomeJourneyExample, loyaltyDigestJourneyExample]);

/** A path segment as a client would put it in a URL; text that cannot be encoded becomes a broken escape. */
export function pathSegment(value: unknown): string {
  try {
    return encodeURIComponent(String(value));
  } catch {
    return '%E0%A4%A';
  }
}
