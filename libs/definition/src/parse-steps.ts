/** The shape check of steps (CONTRACT section 1, "Steps"). Graph checks happen at publish. */
import { childPath } from './json-path';
import {
  AttributeMapping,
  CHANNELS,
  ConditionalBranch,
  STEP_TYPES,
  Step,
  StepType,
  WeightedBranch,
} from './journey-definition';
import { LIMITS } from './limits';
import { checkAttributeReference, checkCondition, checkScalar } from './parse-condition';
import { ProblemCode } from './problem';
import {
  JsonObject,
  ProblemSink,
  checkNumber,
  compact,
  describeType,
  field,
  hasField,
  isJsonObject,
  readDateTime,
  readDuration,
  readEnum,
  readIdentifier,
  readList,
  readObject,
  readText,
  reportUnknownFields,
  truncate,
} from './shape-reader';

const STEP_FIELDS: Record<StepType, readonly string[]> = {
  send: ['id', 'type', 'channel', 'content', 'expires', 'next'],
  wait: ['id', 'type', 'duration', 'until', 'untilAttribute', 'offset', 'next'],
  waitForTrigger: ['id', 'type', 'trigger', 'conditions', 'correlate', 'within', 'yes', 'no'],
  branch: ['id', 'type', 'branches', 'otherwise'],
  split: ['id', 'type', 'branches'],
  activateTrigger: ['id', 'type', 'trigger', 'attributes', 'next'],
  exit: ['id', 'type'],
};

const WAIT_KINDS = ['duration', 'until', 'untilAttribute'] as const;

export function checkSteps(sink: ProblemSink, object: JsonObject, path: string): Step[] | undefined {
  return readList(sink, object, 'steps', path, true, 'steps', (value, stepPath) => checkStep(sink, value, stepPath));
}

export function checkStep(sink: ProblemSink, value: unknown, path: string): Step | undefined {
  const step = readObject(sink, value, path, null, 'a step');
  if (step === undefined) return undefined;
  const id = readIdentifier(sink, step, 'id', path, true, 'the step id');
  const type = readStepType(sink, step, path);
  if (type === undefined) return undefined;
  reportUnknownFields(sink, step, path, STEP_FIELDS[type], `a ${type} step`);
  const next = (key: string): string | undefined => readIdentifier(sink, step, key, path, false, key);
  switch (type) {
    case 'send':
      return compact({
        id,
        type,
        channel: readEnum(sink, step, 'channel', path, CHANNELS, true, 'channel'),
        content: readText(sink, step, 'content', path, {
          required: true,
          maxLength: LIMITS.contentMaxLength,
          nonBlank: true,
          what: 'content',
        }),
        expires: readDuration(sink, step, 'expires', path, false, 'expires'),
        next: next('next'),
      }) as Step;
    case 'wait':
      return compact({ id, type, ...checkWaitTime(sink, step, path), next: next('next') }) as Step;
    case 'waitForTrigger':
      return compact({
        id,
        type,
        trigger: readIdentifier(sink, step, 'trigger', path, true, 'trigger'),
        conditions: checkOptionalCondition(sink, step, 'conditions', path),
        correlate: next('correlate'),
        within: readDuration(sink, step, 'within', path, true, 'within'),
        yes: next('yes'),
        no: next('no'),
      }) as Step;
    case 'branch':
      return compact({
        id,
        type,
        branches: readList(sink, step, 'branches', path, true, 'branches', (item, itemPath) =>
          checkConditionalBranch(sink, item, itemPath),
        ),
        otherwise: next('otherwise'),
      }) as Step;
    case 'split':
      return compact({
        id,
        type,
        branches: readList(sink, step, 'branches', path, true, 'branches', (item, itemPath) =>
          checkWeightedBranch(sink, item, itemPath),
        ),
      }) as Step;
    case 'activateTrigger':
      return compact({
        id,
        type,
        trigger: readIdentifier(sink, step, 'trigger', path, true, 'trigger'),
        attributes: checkActivatedAttributes(sink, field(step, 'attributes'), childPath(path, 'attributes')),
        next: next('next'),
      }) as Step;
    case 'exit':
      return compact({ id, type }) as Step;
    default: {
      const unreachable: never = type;
      return unreachable;
    }
  }
}

function readStepType(sink: ProblemSink, step: JsonObject, path: string): StepType | undefined {
  const value = field(step, 'type');
  const typePath = childPath(path, 'type');
  if (value === undefined) {
    sink.report(ProblemCode.Required, typePath, `a step needs a type: one of ${STEP_TYPES.join(', ')}`);
    return undefined;
  }
  if (typeof value !== 'string' || !(STEP_TYPES as readonly string[]).includes(value)) {
    const found = typeof value === 'string' ? `"${truncate(value)}"` : describeType(value);
    sink.report(ProblemCode.UnknownStepType, typePath, `${found} is not a step type; one of ${STEP_TYPES.join(', ')}`);
    return undefined;
  }
  return value as StepType;
}

/** Exactly one of duration, until, untilAttribute; `offset` only beside `untilAttribute`. */
function checkWaitTime(sink: ProblemSink, step: JsonObject, path: string) {
  const present = WAIT_KINDS.filter((key) => hasField(step, key));
  if (present.length === 0) {
    sink.report(ProblemCode.Required, path, 'a wait needs one of duration, until or untilAttribute');
  }
  for (const extra of present.slice(1)) {
    sink.report(
      ProblemCode.ConflictingFields,
      childPath(path, extra),
      `a wait takes only one of duration, until or untilAttribute; it already has ${present[0]}`,
    );
  }
  if (hasField(step, 'offset') && !hasField(step, 'untilAttribute')) {
    sink.report(ProblemCode.ConflictingFields, childPath(path, 'offset'), 'offset shifts untilAttribute and needs it');
  }
  return {
    duration: readDuration(sink, step, 'duration', path, false, 'duration'),
    until: readDateTime(sink, step, 'until', path, false, 'until'),
    untilAttribute: checkAttributeReference(
      sink,
      field(step, 'untilAttribute'),
      childPath(path, 'untilAttribute'),
      false,
      'untilAttribute',
    ),
    offset: readDuration(sink, step, 'offset', path, false, 'offset'),
  };
}

export function checkOptionalCondition(sink: ProblemSink, object: JsonObject, key: string, path: string) {
  const value = field(object, key);
  return value === undefined ? undefined : checkCondition(sink, value, childPath(path, key));
}

function checkConditionalBranch(sink: ProblemSink, value: unknown, path: string): ConditionalBranch | undefined {
  const branch = readObject(sink, value, path, ['if', 'next'], 'a branch');
  if (branch === undefined) return undefined;
  const condition = field(branch, 'if');
  if (condition === undefined)
    sink.report(ProblemCode.Required, childPath(path, 'if'), 'a branch needs an if condition');
  return compact({
    if: condition === undefined ? undefined : checkCondition(sink, condition, childPath(path, 'if')),
    next: readIdentifier(sink, branch, 'next', path, false, 'next'),
  }) as ConditionalBranch;
}

function checkWeightedBranch(sink: ProblemSink, value: unknown, path: string): WeightedBranch | undefined {
  const branch = readObject(sink, value, path, ['weight', 'next'], 'a split branch');
  if (branch === undefined) return undefined;
  return compact({
    weight: checkNumber(sink, field(branch, 'weight'), childPath(path, 'weight'), true, 'weight'),
    next: readIdentifier(sink, branch, 'next', path, false, 'next'),
  }) as WeightedBranch;
}

/** `{ name: literal | { from: "trigger.x" } }`, at most `LIMITS.activatedAttributesMax` names. */
function checkActivatedAttributes(
  sink: ProblemSink,
  value: unknown,
  path: string,
): Record<string, AttributeMapping> | undefined {
  if (value === undefined) return undefined;
  const attributes = readObject(sink, value, path, null, 'attributes');
  if (attributes === undefined) return undefined;
  const names = Object.keys(attributes);
  if (names.length > LIMITS.activatedAttributesMax) {
    sink.report(
      ProblemCode.TooLong,
      path,
      `${names.length} attributes; a trigger has at most ${LIMITS.activatedAttributesMax}`,
    );
    return undefined;
  }
  const result: Record<string, AttributeMapping> = {};
  for (const name of names) {
    const namePath = childPath(path, name);
    if (name === '__proto__' || name.trim().length === 0 || name.length > LIMITS.identifierMaxLength) {
      sink.report(ProblemCode.InvalidAttributeName, namePath, `"${truncate(name)}" cannot be an attribute name`);
      continue;
    }
    const mapping = checkAttributeMapping(sink, attributes[name], namePath);
    if (mapping !== undefined) result[name] = mapping;
  }
  return result;
}

function checkAttributeMapping(sink: ProblemSink, value: unknown, path: string): AttributeMapping | undefined {
  if (value === null || value === undefined) {
    sink.report(ProblemCode.WrongType, path, 'an attribute value cannot be null; leave the attribute out instead');
    return undefined;
  }
  if (!isJsonObject(value)) return checkScalar(sink, value, path, 'an attribute value');
  reportUnknownFields(sink, value, path, ['from'], 'an attribute mapping');
  const from = checkAttributeReference(sink, field(value, 'from'), childPath(path, 'from'), true, 'from');
  return from === undefined ? undefined : { from };
}
