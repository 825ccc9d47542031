/**
 * Condition evaluation. Conditions are compiled once into closures (cached per condition object), so
 * the hot path does no parsing of the condition itself, no regex building and no Intl work.
 *
 * Semantics: a missing or null attribute matches nothing but `ne` (which is `not eq`) and
 * `exists: false`. Numbers compare numerically; a value that is an ISO date-time compares by instant
 * with an attribute holding a date-time (a string, read as UTC without an offset, or a Date); other
 * values compare strictly (`"5"` is not `5`). `gt gte lt lte` compare numbers and date-times only.
 * `contains` is a case-sensitive substring test on text, or membership in an array attribute.
 * Conditions are treated as immutable once evaluated.
 */
import { childPath, indexPath } from './json-path';
import { AttributeReference, Condition, LeafCondition, ScalarValue, conditionShape } from './journey-definition';
import { parseIsoInstant } from './time';

export interface ConditionContext {
  /** Attributes of the trigger(s) of the instance, read by `trigger.<name>`. */
  trigger: Readonly<Record<string, unknown>>;
  /** Attributes of the customer, read by `profile.<name>`. */
  profile: Readonly<Record<string, unknown>>;
  inSegment(segmentId: string): boolean;
}

export type ConditionPredicate = (context: ConditionContext) => boolean;

interface CompiledValue {
  raw: ScalarValue;
  /** Epoch ms when `raw` is an ISO date-time. */
  instant: number | null;
}

const hasOwn = Object.prototype.hasOwnProperty;
const compiled = new WeakMap<Condition, ConditionPredicate>();

/** Evaluates a condition; the compiled form is cached per condition object. */
export function evaluateCondition(condition: Condition, context: ConditionContext): boolean {
  let predicate = compiled.get(condition);
  if (predicate === undefined) {
    predicate = compileCondition(condition);
    compiled.set(condition, predicate);
  }
  return predicate(context);
}

/** Compiles a condition into a predicate; call it once per definition and reuse the result. */
export function compileCondition(condition: Condition): ConditionPredicate {
  const shape = conditionShape(condition);
  switch (shape.kind) {
    case 'leaf':
      return compileLeaf(shape.leaf);
    case 'inSegment': {
      const segmentId = shape.segmentId;
      return (context) => context.inSegment(segmentId);
    }
    case 'all': {
      const parts = shape.conditions.map(compileCondition);
      return (context) => parts.every((part) => part(context));
    }
    case 'any': {
      const parts = shape.conditions.map(compileCondition);
      return (context) => parts.some((part) => part(context));
    }
    case 'not': {
      const inner = compileCondition(shape.condition);
      return (context) => !inner(context);
    }
    default: {
      const unreachable: never = shape;
      return unreachable;
    }
  }
}

/** Reads an own attribute (never an inherited one such as `constructor`); null counts as missing. */
function readOwn(record: Readonly<Record<string, unknown>>, name: string): unknown {
  if (record === null || typeof record !== 'object' || !hasOwn.call(record, name)) return undefined;
  const value = record[name];
  return value === null ? undefined : value;
}

/** Splits `trigger.plan` into a reader of `context.trigger.plan`. */
export function attributeReader(attribute: AttributeReference): (context: ConditionContext) => unknown {
  const dot = attribute.indexOf('.');
  const source = attribute.slice(0, dot);
  const name = attribute.slice(dot + 1);
  if (source === 'trigger') return (context) => readOwn(context.trigger, name);
  if (source === 'profile') return (context) => readOwn(context.profile, name);
  return () => undefined;
}

function compileValue(raw: ScalarValue): CompiledValue {
  return { raw, instant: typeof raw === 'string' ? parseIsoInstant(raw) : null };
}

function instantOf(actual: unknown): number | null {
  if (typeof actual === 'string') return parseIsoInstant(actual);
  if (actual instanceof Date) {
    const time = actual.getTime();
    return Number.isNaN(time) ? null : time;
  }
  return null;
}

function equals(actual: unknown, value: CompiledValue): boolean {
  if (actual === value.raw) return true;
  if (value.instant === null) return false;
  return instantOf(actual) === value.instant;
}

/** Negative, zero or positive; null when the two cannot be ordered. */
function compare(actual: unknown, value: CompiledValue): number | null {
  if (typeof actual === 'number' && typeof value.raw === 'number') return actual - value.raw;
  if (value.instant === null) return null;
  const instant = instantOf(actual);
  return instant === null ? null : instant - value.instant;
}

function ordered(value: CompiledValue, accept: (difference: number) => boolean): (actual: unknown) => boolean {
  return (actual) => {
    const difference = compare(actual, value);
    return difference !== null && accept(difference);
  };
}

function contains(actual: unknown, value: CompiledValue): boolean {
  if (typeof actual === 'string') return typeof value.raw === 'string' && actual.includes(value.raw);
  if (Array.isArray(actual)) return actual.some((element) => equals(element, value));
  return false;
}

function compileIn(values: readonly ScalarValue[]): (actual: unknown) => boolean {
  const members = new Set<unknown>(values);
  const instants = new Set<number>();
  for (const value of values) {
    const instant = typeof value === 'string' ? parseIsoInstant(value) : null;
    if (instant !== null) instants.add(instant);
  }
  if (instants.size === 0) return (actual) => members.has(actual);
  return (actual) => {
    if (members.has(actual)) return true;
    const instant = instantOf(actual);
    return instant !== null && instants.has(instant);
  };
}

function compileTest(leaf: LeafCondition): (actual: unknown) => boolean {
  switch (leaf.op) {
    case 'eq': {
      const value = compileValue(leaf.value);
      return (actual) => equals(actual, value);
    }
    case 'ne': {
      const value = compileValue(leaf.value);
      return (actual) => !equals(actual, value);
    }
    case 'gt':
      return ordered(compileValue(leaf.value), (difference) => difference > 0);
    case 'gte':
      return ordered(compileValue(leaf.value), (difference) => difference >= 0);
    case 'lt':
      return ordered(compileValue(leaf.value), (difference) => difference < 0);
    case 'lte':
      return ordered(compileValue(leaf.value), (difference) => difference <= 0);
    case 'before':
    case 'after': {
      const limit = parseIsoInstant(leaf.value);
      if (limit === null) return () => false;
      const isBefore = leaf.op === 'before';
      return (actual) => {
        const instant = instantOf(actual);
        return instant !== null && (isBefore ? instant < limit : instant > limit);
      };
    }
    case 'in':
      return compileIn(leaf.value);
    case 'contains': {
      const value = compileValue(leaf.value);
      return (actual) => contains(actual, value);
    }
    case 'exists': {
      const expected = leaf.value ?? true;
      return (actual) => (actual !== undefined) === expected;
    }
    default: {
      const unreachable: never = leaf;
      return unreachable;
    }
  }
}

function compileLeaf(leaf: LeafCondition): ConditionPredicate {
  const read = attributeReader(leaf.attribute);
  const test = compileTest(leaf);
  return (context) => test(read(context));
}

/** Calls `visit` for every attribute leaf with its JSON path below `path`. */
export function visitConditionLeaves(
  condition: Condition,
  visit: (leaf: LeafCondition, path: string) => void,
  path = '$',
): void {
  const shape = conditionShape(condition);
  switch (shape.kind) {
    case 'leaf':
      visit(shape.leaf, path);
      return;
    case 'inSegment':
      return;
    case 'all':
    case 'any':
      shape.conditions.forEach((child, index) =>
        visitConditionLeaves(child, visit, indexPath(childPath(path, shape.kind), index)),
      );
      return;
    case 'not':
      visitConditionLeaves(shape.condition, visit, childPath(path, 'not'));
      return;
    default: {
      const unreachable: never = shape;
      return unreachable;
    }
  }
}

/** The attributes a condition reads, each once, in order of appearance. */
export function collectConditionAttributes(condition: Condition): AttributeReference[] {
  const seen = new Set<AttributeReference>();
  visitConditionLeaves(condition, (leaf) => seen.add(leaf.attribute));
  return [...seen];
}

/** The segment ids a condition tests with `inSegment`, each once, in order of appearance. */
export function collectConditionSegments(condition: Condition): string[] {
  const seen = new Set<string>();
  const walk = (node: Condition): void => {
    const shape = conditionShape(node);
    if (shape.kind === 'inSegment') seen.add(shape.segmentId);
    else if (shape.kind === 'all' || shape.kind === 'any') shape.conditions.forEach(walk);
    else if (shape.kind === 'not') walk(shape.condition);
  };
  walk(condition);
  return [...seen];
}
