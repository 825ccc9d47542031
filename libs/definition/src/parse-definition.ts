/**
 * The shape check run when a draft is created or updated: types, required fields, allowed values,
 * lengths, ISO durations and date-times. A draft may still hold graph, reference and limit problems;
 * `validateForPublish` finds those.
 */
import {
  Audience,
  ExitRules,
  Frequency,
  Goal,
  GoalTarget,
  JourneyDefinition,
  Reentry,
  Schedule,
} from './journey-definition';
import { childPath } from './json-path';
import { LIMITS } from './limits';
import { checkOptionalCondition, checkSteps } from './parse-steps';
import { DefinitionProblem, ProblemCode } from './problem';
import {
  JsonObject,
  ProblemSink,
  compact,
  field,
  hasField,
  readBoolean,
  readDateTime,
  readDuration,
  readEnum,
  readIdentifier,
  readIdentifierList,
  readNumber,
  readObject,
  readText,
  reportUnknownFields,
} from './shape-reader';

export type ParseDefinitionResult =
  { ok: true; definition: JourneyDefinition } | { ok: false; problems: DefinitionProblem[] };

const DEFINITION_FIELDS = ['name', 'description', 'audience', 'schedule', 'exit', 'goal', 'steps'];
const TRIGGER_AUDIENCE_FIELDS = ['type', 'trigger', 'conditions', 'reentry', 'exclusionSegments'];
const SEGMENT_AUDIENCE_FIELDS = ['type', 'segments', 'frequency', 'rejoinReentry', 'exclusionSegments'];

/**
 * Checks the shape of an untrusted definition (CONTRACT section 1) and returns it typed, or every
 * problem found. Never throws, whatever the input. The returned definition is a fresh object holding
 * only the known fields, with nulls dropped, so it survives a JSON round trip unchanged.
 */
export function parseDefinition(input: unknown): ParseDefinitionResult {
  const sink = new ProblemSink();
  const definition = checkDefinition(sink, input);
  if (sink.problems.length > 0 || definition === undefined) return { ok: false, problems: sink.problems };
  return { ok: true, definition };
}

function checkDefinition(sink: ProblemSink, input: unknown): JourneyDefinition | undefined {
  const path = '$';
  const root = readObject(sink, input, path, DEFINITION_FIELDS, 'a journey definition');
  if (root === undefined) return undefined;
  return compact({
    name: readText(sink, root, 'name', path, {
      required: true,
      maxLength: LIMITS.nameMaxLength,
      nonBlank: true,
      what: 'name',
    }),
    description: readText(sink, root, 'description', path, {
      required: false,
      maxLength: LIMITS.descriptionMaxLength,
      nonBlank: false,
      what: 'description',
    }),
    audience: checkAudience(sink, field(root, 'audience'), childPath(path, 'audience')),
    schedule: optional(root, 'schedule', (value) => checkSchedule(sink, value, childPath(path, 'schedule'))),
    exit: optional(root, 'exit', (value) => checkExit(sink, value, childPath(path, 'exit'))),
    goal: optional(root, 'goal', (value) => checkGoal(sink, value, childPath(path, 'goal'))),
    steps: checkSteps(sink, root, path),
  }) as JourneyDefinition;
}

function optional<T>(object: JsonObject, key: string, check: (value: unknown) => T | undefined): T | undefined {
  const value = field(object, key);
  return value === undefined ? undefined : check(value);
}

function checkAudience(sink: ProblemSink, value: unknown, path: string): Audience | undefined {
  if (value === undefined) {
    sink.report(ProblemCode.Required, path, 'audience is required');
    return undefined;
  }
  const audience = readObject(sink, value, path, null, 'audience');
  if (audience === undefined) return undefined;
  const type = readEnum(sink, audience, 'type', path, ['trigger', 'segment'] as const, true, 'audience type');
  if (type === undefined) return undefined;
  const exclusionSegments = readIdentifierList(sink, audience, 'exclusionSegments', path, false, 'exclusionSegments');
  if (type === 'trigger') {
    reportUnknownFields(sink, audience, path, TRIGGER_AUDIENCE_FIELDS, 'a trigger audience');
    return compact({
      type,
      trigger: readIdentifier(sink, audience, 'trigger', path, true, 'trigger'),
      conditions: checkOptionalCondition(sink, audience, 'conditions', path),
      reentry: optional(audience, 'reentry', (reentry) => checkReentry(sink, reentry, childPath(path, 'reentry'))),
      exclusionSegments,
    }) as Audience;
  }
  reportUnknownFields(sink, audience, path, SEGMENT_AUDIENCE_FIELDS, 'a segment audience');
  return compact({
    type,
    segments: readIdentifierList(sink, audience, 'segments', path, true, 'segments'),
    frequency: optional(audience, 'frequency', (frequency) =>
      checkFrequency(sink, frequency, childPath(path, 'frequency')),
    ),
    rejoinReentry: readBoolean(sink, audience, 'rejoinReentry', path, 'rejoinReentry'),
    exclusionSegments,
  }) as Audience;
}

function checkReentry(sink: ProblemSink, value: unknown, path: string): Reentry | undefined {
  const reentry = readObject(sink, value, path, null, 'reentry');
  if (reentry === undefined) return undefined;
  const mode = readEnum(sink, reentry, 'mode', path, ['never', 'always', 'after'] as const, true, 'reentry mode');
  if (mode === undefined) return undefined;
  if (mode !== 'after') {
    reportUnknownFields(sink, reentry, path, ['mode'], `reentry mode "${mode}"`);
    return { mode };
  }
  reportUnknownFields(sink, reentry, path, ['mode', 'after'], 'reentry mode "after"');
  const after = readDuration(sink, reentry, 'after', path, true, 'after');
  return after === undefined ? undefined : { mode, after };
}

function checkFrequency(sink: ProblemSink, value: unknown, path: string): Frequency | undefined {
  const frequency = readObject(sink, value, path, null, 'frequency');
  if (frequency === undefined) return undefined;
  const modes = ['once', 'dynamic', 'recurring'] as const;
  const mode = readEnum(sink, frequency, 'mode', path, modes, true, 'frequency mode');
  if (mode === undefined) return undefined;
  if (mode !== 'recurring') {
    reportUnknownFields(sink, frequency, path, ['mode'], `frequency mode "${mode}"`);
    return { mode };
  }
  reportUnknownFields(sink, frequency, path, ['mode', 'every', 'occurrences'], 'frequency mode "recurring"');
  return compact({
    mode,
    every: readDuration(sink, frequency, 'every', path, true, 'every'),
    occurrences: readNumber(sink, frequency, 'occurrences', path, false, 'occurrences'),
  }) as Frequency;
}

function checkSchedule(sink: ProblemSink, value: unknown, path: string): Schedule | undefined {
  const schedule = readObject(sink, value, path, ['start', 'end', 'timeZone'], 'schedule');
  if (schedule === undefined) return undefined;
  return compact({
    start: readDateTime(sink, schedule, 'start', path, false, 'start', ProblemCode.InvalidStartTime),
    end: readDateTime(sink, schedule, 'end', path, false, 'end', ProblemCode.InvalidEndTime),
    timeZone: readText(sink, schedule, 'timeZone', path, {
      required: false,
      maxLength: LIMITS.identifierMaxLength,
      nonBlank: true,
      what: 'timeZone',
    }),
  });
}

function checkExit(sink: ProblemSink, value: unknown, path: string): ExitRules | undefined {
  const exit = readObject(sink, value, path, ['triggers', 'segments'], 'exit');
  if (exit === undefined) return undefined;
  return compact({
    triggers: readIdentifierList(sink, exit, 'triggers', path, false, 'exit triggers'),
    segments: readIdentifierList(sink, exit, 'segments', path, false, 'exit segments'),
  });
}

function checkGoal(sink: ProblemSink, value: unknown, path: string): Goal | undefined {
  const goal = readObject(sink, value, path, ['trigger', 'target'], 'goal');
  if (goal === undefined) return undefined;
  const trigger = readIdentifier(sink, goal, 'trigger', path, true, 'goal trigger');
  const targetPath = childPath(path, 'target');
  const targetValue = field(goal, 'target');
  if (targetValue === undefined) {
    sink.report(ProblemCode.Required, targetPath, 'a goal needs a target: { percent } or { count }');
    return undefined;
  }
  const target = checkGoalTarget(sink, targetValue, targetPath);
  return trigger === undefined || target === undefined ? undefined : { trigger, target };
}

function checkGoalTarget(sink: ProblemSink, value: unknown, path: string): GoalTarget | undefined {
  const target = readObject(sink, value, path, ['percent', 'count'], 'a goal target');
  if (target === undefined) return undefined;
  const hasPercent = hasField(target, 'percent');
  const hasCount = hasField(target, 'count');
  if (hasPercent && hasCount) {
    sink.report(
      ProblemCode.ConflictingFields,
      childPath(path, 'count'),
      'a goal target is a percent or a count, not both',
    );
    return undefined;
  }
  if (hasCount) {
    const count = readNumber(sink, target, 'count', path, true, 'count');
    return count === undefined ? undefined : { count };
  }
  const percent = readNumber(sink, target, 'percent', path, true, 'percent');
  return percent === undefined ? undefined : { percent };
}
