/**
 * The shape check of a journey definition, run when a draft is created or updated and by the CLI:
 * the JSON Schema `journey-definition.json` (types, required and unknown fields, allowed values,
 * lengths, ISO durations and date-times) plus the condition depth limit. Graph, reference and time
 * rules are left to `validateForPublish`.
 */
import { LIMITS, ProblemCode, type JourneyDefinition } from '@journeys/definition';
import { childPath } from './json-pointer';
import { contractValidator } from './contract-validator';
import type { Problem } from './schema-validator';

export type ParseDefinitionResult = { ok: true; definition: JourneyDefinition } | { ok: false; problems: Problem[] };

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * Checks the shape of an untrusted definition and returns it typed, or every problem found. Never
 * throws, whatever the input. The definition returned is a fresh copy with `null` fields dropped and
 * `-0` read as `0`, so it survives a JSON round trip unchanged.
 */
export function parseDefinition(input: unknown): ParseDefinitionResult {
  const depth: Problem[] = [];
  const bounded = boundConditionDepth(input, depth);
  const problems = [...contractValidator().validate('journey-definition.json', bounded), ...depth];
  if (problems.length > 0) return { ok: false, problems };
  return { ok: true, definition: normalized(bounded) as JourneyDefinition };
}

/** Drops null fields (null means absent) and turns -0 into 0, in a fresh copy. */
function normalized(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(normalized);
  if (isObject(value)) {
    const copy: Json = {};
    for (const [key, field] of Object.entries(value)) if (field !== null) copy[key] = normalized(field);
    return copy;
  }
  return value === 0 ? 0 : value;
}

/**
 * A copy of the definition whose conditions nest at most `LIMITS.conditionMaxDepth` levels: a deeper
 * one is reported (ConditionTooDeep) and replaced by an empty `all`, so the schema check never
 * recurses further than that, whatever was sent.
 */
function boundConditionDepth(input: unknown, problems: Problem[]): unknown {
  if (!isObject(input)) return input;
  const root: Json = { ...input };
  if (isObject(root.audience) && Object.hasOwn(root.audience, 'conditions')) {
    const audience = { ...root.audience };
    audience.conditions = bounded(audience.conditions, '$.audience.conditions', 1, problems);
    root.audience = audience;
  }
  if (Array.isArray(root.steps)) {
    root.steps = root.steps.map((step, index) => boundStep(step, `$.steps[${index}]`, problems));
  }
  return root;
}

function boundStep(step: unknown, path: string, problems: Problem[]): unknown {
  if (!isObject(step)) return step;
  const copy: Json = { ...step };
  if (Object.hasOwn(copy, 'conditions'))
    copy.conditions = bounded(copy.conditions, childPath(path, 'conditions'), 1, problems);
  if (Array.isArray(copy.branches)) {
    copy.branches = copy.branches.map((branch, index) =>
      isObject(branch) && Object.hasOwn(branch, 'if')
        ? { ...branch, if: bounded(branch.if, `${path}.branches[${index}].if`, 1, problems) }
        : branch,
    );
  }
  return copy;
}

function bounded(condition: unknown, path: string, depth: number, problems: Problem[]): unknown {
  if (!isObject(condition)) return condition;
  if (depth > LIMITS.conditionMaxDepth) {
    problems.push({
      code: ProblemCode.ConditionTooDeep,
      path,
      message: `conditions nest at most ${LIMITS.conditionMaxDepth} levels`,
    });
    return { all: [] };
  }
  const copy: Json = { ...condition };
  for (const key of ['all', 'any'] as const) {
    const items = copy[key];
    if (Object.hasOwn(copy, key) && Array.isArray(items)) {
      copy[key] = items.map((item, index) => bounded(item, `${childPath(path, key)}[${index}]`, depth + 1, problems));
    }
  }
  if (Object.hasOwn(copy, 'not')) copy.not = bounded(copy.not, childPath(path, 'not'), depth + 1, problems);
  return copy;
}
