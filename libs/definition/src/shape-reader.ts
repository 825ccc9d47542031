/**
 * Small readers for the shape check: each reads one field of untrusted JSON, reports what is wrong
 * into a problem list and returns the typed value (or undefined). They only look at own properties,
 * never throw, and treat `null` like an absent field.
 */
import { childPath, indexPath } from './json-path';
import { LIMITS } from './limits';
import { DefinitionProblem, ProblemCode, problem } from './problem';
import { parseIsoDateTime, parseIsoDuration } from './time';

export type JsonObject = Record<string, unknown>;

const hasOwn = Object.prototype.hasOwnProperty;

export class ProblemSink {
  readonly problems: DefinitionProblem[] = [];

  report(code: ProblemCode, path: string, message: string): void {
    this.problems.push(problem(code, path, message));
  }
}

export function isJsonObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own field's value; null and undefined both mean absent. */
export function field(object: JsonObject, key: string): unknown {
  if (!hasOwn.call(object, key)) return undefined;
  const value = object[key];
  return value === null ? undefined : value;
}

export function hasField(object: JsonObject, key: string): boolean {
  return field(object, key) !== undefined;
}

export function describeType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return 'text';
  return `a ${typeof value}`;
}

/**
 * Checks that `value` is an object and reports every key not in `known` as UnknownField. Returns the
 * object, or undefined (after a WrongType) when it is not one.
 */
export function readObject(
  sink: ProblemSink,
  value: unknown,
  path: string,
  known: readonly string[] | null,
  what: string,
): JsonObject | undefined {
  if (!isJsonObject(value)) {
    sink.report(ProblemCode.WrongType, path, `${what} must be an object, not ${describeType(value)}`);
    return undefined;
  }
  if (known !== null) reportUnknownFields(sink, value, path, known, what);
  return value;
}

export function reportUnknownFields(
  sink: ProblemSink,
  object: JsonObject,
  path: string,
  known: readonly string[],
  what: string,
): void {
  for (const key of Object.keys(object)) {
    if (known.includes(key)) continue;
    sink.report(
      ProblemCode.UnknownField,
      childPath(path, key),
      `"${truncate(key)}" is not a field of ${what}; its fields are ${known.join(', ')}`,
    );
  }
}

export function truncate(text: string, max = 60): string {
  return text.length <= max ? text : `${text.slice(0, max)}...`;
}

interface TextOptions {
  required: boolean;
  maxLength: number;
  /** Reject empty and blank text (TooShort). */
  nonBlank: boolean;
  /** Used in messages. */
  what: string;
}

export function readText(sink: ProblemSink, object: JsonObject, key: string, path: string, options: TextOptions) {
  return checkText(sink, field(object, key), childPath(path, key), options);
}

export function checkText(sink: ProblemSink, value: unknown, path: string, options: TextOptions): string | undefined {
  if (value === undefined) {
    if (options.required) sink.report(ProblemCode.Required, path, `${options.what} is required`);
    return undefined;
  }
  if (typeof value !== 'string') {
    sink.report(ProblemCode.WrongType, path, `${options.what} must be text, not ${describeType(value)}`);
    return undefined;
  }
  if (options.nonBlank && value.trim().length === 0) {
    sink.report(ProblemCode.TooShort, path, `${options.what} must not be empty`);
    return undefined;
  }
  if (value.length > options.maxLength) {
    sink.report(
      ProblemCode.TooLong,
      path,
      `${options.what} is ${value.length} characters long; at most ${options.maxLength}`,
    );
    return undefined;
  }
  return value;
}

/** A step id, trigger name or segment id: non-blank text of at most `LIMITS.identifierMaxLength`. */
export function readIdentifier(
  sink: ProblemSink,
  object: JsonObject,
  key: string,
  path: string,
  required: boolean,
  what: string,
): string | undefined {
  return checkIdentifier(sink, field(object, key), childPath(path, key), required, what);
}

export function checkIdentifier(
  sink: ProblemSink,
  value: unknown,
  path: string,
  required: boolean,
  what: string,
): string | undefined {
  return checkText(sink, value, path, { required, maxLength: LIMITS.identifierMaxLength, nonBlank: true, what });
}

/** A finite number; `-0` becomes `0` so that the value survives JSON. */
export function checkNumber(sink: ProblemSink, value: unknown, path: string, required: boolean, what: string) {
  if (value === undefined) {
    if (required) sink.report(ProblemCode.Required, path, `${what} is required`);
    return undefined;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    sink.report(ProblemCode.WrongType, path, `${what} must be a finite number, not ${describeType(value)}`);
    return undefined;
  }
  return value === 0 ? 0 : value;
}

export function readNumber(
  sink: ProblemSink,
  object: JsonObject,
  key: string,
  path: string,
  required: boolean,
  what: string,
) {
  return checkNumber(sink, field(object, key), childPath(path, key), required, what);
}

export function readBoolean(sink: ProblemSink, object: JsonObject, key: string, path: string, what: string) {
  const value = field(object, key);
  if (value === undefined || typeof value === 'boolean') return value;
  sink.report(ProblemCode.WrongType, childPath(path, key), `${what} must be true or false, not ${describeType(value)}`);
  return undefined;
}

export function readEnum<T extends string>(
  sink: ProblemSink,
  object: JsonObject,
  key: string,
  path: string,
  allowed: readonly T[],
  required: boolean,
  what: string,
): T | undefined {
  const value = field(object, key);
  const valuePath = childPath(path, key);
  if (value === undefined) {
    if (required) sink.report(ProblemCode.Required, valuePath, `${what} is required; one of ${allowed.join(', ')}`);
    return undefined;
  }
  if (typeof value !== 'string') {
    sink.report(ProblemCode.WrongType, valuePath, `${what} must be text, not ${describeType(value)}`);
    return undefined;
  }
  if (!(allowed as readonly string[]).includes(value)) {
    sink.report(
      ProblemCode.InvalidValue,
      valuePath,
      `"${truncate(value)}" is not a valid ${what}; one of ${allowed.join(', ')}`,
    );
    return undefined;
  }
  return value as T;
}

/**
 * A list whose items are read by `readItem`. Returns undefined when absent or not a list; a list
 * longer than `LIMITS.listMaxLength` is reported and only its first items are read.
 */
export function readList<T>(
  sink: ProblemSink,
  object: JsonObject,
  key: string,
  path: string,
  required: boolean,
  what: string,
  readItem: (value: unknown, itemPath: string) => T | undefined,
): T[] | undefined {
  return checkList(sink, field(object, key), childPath(path, key), required, what, readItem);
}

export function checkList<T>(
  sink: ProblemSink,
  value: unknown,
  path: string,
  required: boolean,
  what: string,
  readItem: (value: unknown, itemPath: string) => T | undefined,
): T[] | undefined {
  if (value === undefined) {
    if (required) sink.report(ProblemCode.Required, path, `${what} is required`);
    return undefined;
  }
  if (!Array.isArray(value)) {
    sink.report(ProblemCode.WrongType, path, `${what} must be a list, not ${describeType(value)}`);
    return undefined;
  }
  if (value.length > LIMITS.listMaxLength) {
    sink.report(ProblemCode.TooLong, path, `${what} has ${value.length} items; at most ${LIMITS.listMaxLength}`);
  }
  const items: T[] = [];
  const count = Math.min(value.length, LIMITS.listMaxLength);
  for (let index = 0; index < count; index++) {
    const item = readItem(value[index], indexPath(path, index));
    if (item !== undefined) items.push(item);
  }
  return items;
}

/** A list of identifiers (segment ids, trigger names). */
export function readIdentifierList(
  sink: ProblemSink,
  object: JsonObject,
  key: string,
  path: string,
  required: boolean,
  what: string,
): string[] | undefined {
  return readList(sink, object, key, path, required, what, (value, itemPath) =>
    checkIdentifier(sink, value, itemPath, true, `each of ${what}`),
  );
}

export function readDuration(
  sink: ProblemSink,
  object: JsonObject,
  key: string,
  path: string,
  required: boolean,
  what: string,
): string | undefined {
  const valuePath = childPath(path, key);
  const text = checkText(sink, field(object, key), valuePath, { required, maxLength: 64, nonBlank: true, what });
  if (text === undefined) return undefined;
  if (parseIsoDuration(text) === null) {
    sink.report(
      ProblemCode.InvalidDuration,
      valuePath,
      `${what} "${truncate(text)}" is not an ISO 8601 duration such as PT30M or P2D`,
    );
    return undefined;
  }
  return text;
}

export function readDateTime(
  sink: ProblemSink,
  object: JsonObject,
  key: string,
  path: string,
  required: boolean,
  what: string,
  code: ProblemCode = ProblemCode.InvalidDateTime,
): string | undefined {
  const valuePath = childPath(path, key);
  const text = checkText(sink, field(object, key), valuePath, { required, maxLength: 64, nonBlank: true, what });
  if (text === undefined) return undefined;
  if (parseIsoDateTime(text) === null) {
    sink.report(
      code,
      valuePath,
      `${what} "${truncate(text)}" is not an ISO 8601 date-time such as 2026-12-01T09:00:00`,
    );
    return undefined;
  }
  return text;
}

/** Drops keys whose value is undefined, so optional fields are absent rather than undefined. */
export function compact<T extends object>(object: T): T {
  for (const key of Object.keys(object) as (keyof T)[]) {
    if (object[key] === undefined) delete object[key];
  }
  return object;
}
