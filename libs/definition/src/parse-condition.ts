/** The shape check of conditions (CONTRACT section 1, "Conditions"). */
import { childPath } from './json-path';
import {
  AttributeReference,
  CONDITION_OPERATORS,
  Condition,
  ConditionOperator,
  LeafCondition,
  ScalarValue,
} from './journey-definition';
import { LIMITS } from './limits';
import { ProblemCode } from './problem';
import {
  JsonObject,
  ProblemSink,
  checkList,
  checkText,
  describeType,
  field,
  isJsonObject,
  readEnum,
  readIdentifier,
  reportUnknownFields,
  truncate,
} from './shape-reader';
import { parseIsoDateTime } from './time';

const SHAPE_KEYS = ['attribute', 'inSegment', 'all', 'any', 'not'] as const;
const LEAF_FIELDS = ['attribute', 'op', 'value'] as const;
const CONDITION_FORMS = '{ attribute, op, value }, { inSegment }, { all: [...] }, { any: [...] } or { not: {...} }';

/** Whether `text` is `trigger.<name>` or `profile.<name>`. */
export function isAttributeReference(text: string): text is AttributeReference {
  const dot = text.indexOf('.');
  if (dot < 0) return false;
  const source = text.slice(0, dot);
  return (source === 'trigger' || source === 'profile') && text.slice(dot + 1).trim().length > 0;
}

export function checkAttributeReference(
  sink: ProblemSink,
  value: unknown,
  path: string,
  required: boolean,
  what: string,
): AttributeReference | undefined {
  const maxLength = LIMITS.identifierMaxLength + 'trigger.'.length;
  const text = checkText(sink, value, path, { required, maxLength, nonBlank: true, what });
  if (text === undefined) return undefined;
  if (!isAttributeReference(text)) {
    sink.report(
      ProblemCode.InvalidAttributeReference,
      path,
      `"${truncate(text)}" must be trigger.<name> or profile.<name>`,
    );
    return undefined;
  }
  return text;
}

/** A string, finite number or boolean; `null` is never a value (use `exists` to test for absence). */
export function checkScalar(sink: ProblemSink, value: unknown, path: string, what: string): ScalarValue | undefined {
  if (typeof value === 'string') {
    if (value.length <= LIMITS.valueMaxLength) return value;
    sink.report(
      ProblemCode.TooLong,
      path,
      `${what} is ${value.length} characters long; at most ${LIMITS.valueMaxLength}`,
    );
    return undefined;
  }
  if (typeof value === 'number' && Number.isFinite(value)) return value === 0 ? 0 : value;
  if (typeof value === 'boolean') return value;
  sink.report(
    ProblemCode.WrongType,
    path,
    `${what} must be text, a finite number or true/false, not ${describeType(value)}`,
  );
  return undefined;
}

/** Reads a condition; conditions nest at most `LIMITS.conditionMaxDepth` levels. */
export function checkCondition(sink: ProblemSink, value: unknown, path: string, depth = 1): Condition | undefined {
  if (depth > LIMITS.conditionMaxDepth) {
    sink.report(ProblemCode.ConditionTooDeep, path, `conditions nest at most ${LIMITS.conditionMaxDepth} levels`);
    return undefined;
  }
  if (!isJsonObject(value)) {
    sink.report(
      ProblemCode.WrongType,
      path,
      `a condition must be an object (${CONDITION_FORMS}), not ${describeType(value)}`,
    );
    return undefined;
  }
  const shapes = SHAPE_KEYS.filter((key) => Object.prototype.hasOwnProperty.call(value, key));
  const looksLikeLeaf =
    shapes.length === 0 && (field(value, 'op') !== undefined || field(value, 'value') !== undefined);
  if (shapes.length !== 1 && !looksLikeLeaf) {
    const found = shapes.length === 0 ? 'none of them' : shapes.join(' and ');
    sink.report(ProblemCode.InvalidCondition, path, `a condition is one of ${CONDITION_FORMS}; found ${found}`);
    return undefined;
  }
  const shape = looksLikeLeaf ? 'attribute' : shapes[0];
  switch (shape) {
    case 'attribute':
      return checkLeaf(sink, value, path);
    case 'inSegment': {
      reportUnknownFields(sink, value, path, ['inSegment'], 'an inSegment condition');
      const segmentId = readIdentifier(sink, value, 'inSegment', path, true, 'inSegment');
      return segmentId === undefined ? undefined : { inSegment: segmentId };
    }
    case 'all':
    case 'any': {
      reportUnknownFields(sink, value, path, [shape], `an ${shape} condition`);
      const listPath = childPath(path, shape);
      const conditions = checkList(sink, field(value, shape), listPath, true, shape, (item, itemPath) =>
        checkCondition(sink, item, itemPath, depth + 1),
      );
      if (conditions === undefined) return undefined;
      return shape === 'all' ? { all: conditions } : { any: conditions };
    }
    case 'not': {
      reportUnknownFields(sink, value, path, ['not'], 'a not condition');
      const notPath = childPath(path, 'not');
      const inner = field(value, 'not');
      if (inner === undefined) {
        sink.report(ProblemCode.Required, notPath, 'not needs a condition');
        return undefined;
      }
      const condition = checkCondition(sink, inner, notPath, depth + 1);
      return condition === undefined ? undefined : { not: condition };
    }
    default: {
      const unreachable: never = shape;
      return unreachable;
    }
  }
}

/** An operand that was reported; distinct from undefined, which is a valid `exists` operand. */
const invalid = Symbol('invalid');

function checkLeaf(sink: ProblemSink, value: JsonObject, path: string): LeafCondition | undefined {
  reportUnknownFields(sink, value, path, LEAF_FIELDS, 'an attribute condition');
  const attribute = checkAttributeReference(
    sink,
    field(value, 'attribute'),
    childPath(path, 'attribute'),
    true,
    'attribute',
  );
  const op = readEnum(sink, value, 'op', path, CONDITION_OPERATORS, true, 'operator');
  if (op === undefined) return undefined;
  const operand = checkOperand(sink, op, field(value, 'value'), childPath(path, 'value'));
  if (attribute === undefined || operand === invalid) return undefined;
  return (operand === undefined ? { attribute, op } : { attribute, op, value: operand }) as LeafCondition;
}

/** The operand `op` takes: see the condition types in journey-definition.ts. */
function checkOperand(
  sink: ProblemSink,
  op: ConditionOperator,
  value: unknown,
  path: string,
): ScalarValue | ScalarValue[] | undefined | typeof invalid {
  if (op === 'exists') {
    if (value === undefined || typeof value === 'boolean') return value;
    sink.report(ProblemCode.InvalidCondition, path, `exists takes true or false, not ${describeType(value)}`);
    return invalid;
  }
  if (value === undefined) {
    sink.report(ProblemCode.Required, path, `${op} needs a value (to test for a missing attribute use exists: false)`);
    return invalid;
  }
  switch (op) {
    case 'in': {
      if (!Array.isArray(value)) {
        sink.report(ProblemCode.InvalidCondition, path, `in takes a list of values, not ${describeType(value)}`);
        return invalid;
      }
      const before = sink.problems.length;
      const values = checkList(sink, value, path, true, 'the values of in', (item, itemPath) =>
        checkScalar(sink, item, itemPath, 'each value of in'),
      );
      return values === undefined || sink.problems.length > before ? invalid : values;
    }
    case 'before':
    case 'after':
      return checkInstant(sink, value, path, `${op} takes a date-time`);
    case 'gt':
    case 'gte':
    case 'lt':
    case 'lte':
      if (typeof value === 'number') return checkScalar(sink, value, path, 'value') ?? invalid;
      return checkInstant(sink, value, path, `${op} takes a number or a date-time`);
    case 'eq':
    case 'ne':
    case 'contains':
      return checkScalar(sink, value, path, 'value') ?? invalid;
    default: {
      const unreachable: never = op;
      return unreachable;
    }
  }
}

/** A date-time operand must say its offset: a condition has no time zone of its own. */
function checkInstant(sink: ProblemSink, value: unknown, path: string, expectation: string): string | typeof invalid {
  const parsed = typeof value === 'string' ? parseIsoDateTime(value) : null;
  if (parsed === null) {
    const found = typeof value === 'string' ? `"${truncate(value)}"` : describeType(value);
    sink.report(ProblemCode.InvalidCondition, path, `${expectation} such as 2026-12-01T09:00:00Z, not ${found}`);
    return invalid;
  }
  if (parsed.offsetMinutes === null) {
    sink.report(
      ProblemCode.InvalidCondition,
      path,
      `a date-time in a condition needs Z or an offset, e.g. ${String(value)}Z`,
    );
    return invalid;
  }
  return value as string;
}
