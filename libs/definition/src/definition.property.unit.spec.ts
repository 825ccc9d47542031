import fc from 'fast-check';
import { examplePublishContext, loyaltyDigestJourneyExample, welcomeJourneyExample } from './examples';
import { Condition, JourneyDefinition, ScalarValue, Step } from './journey-definition';
import { parseDefinition } from '@journeys/contract';
import { DefinitionProblem, ProblemCode } from './problem';
import { PublishContext, TriggerDefinitionInfo } from './publish-context';
import { buildStepGraph, cyclesWithoutWait, isWaitingStep } from './step-graph';
import { validateForPublish } from './validate-for-publish';

const KNOWN_CODES = new Set<string>(Object.values(ProblemCode));
const NOW = new Date('2026-11-28T12:00:00Z');

function isWellFormed(problem: DefinitionProblem): boolean {
  return KNOWN_CODES.has(problem.code) && problem.path.startsWith('$') && problem.message.length > 0;
}

const jsonRoundTrip = <T>(value: T): T => JSON.parse(JSON.stringify(value));

/** Parses, and when that works, publishes; asserts what must hold whatever the input. */
function checkPipeline(input: unknown, context: PublishContext): void {
  const parsed = parseDefinition(input);
  if (!parsed.ok) {
    expect(parsed.problems.length).toBeGreaterThan(0);
    expect(parsed.problems.every(isWellFormed)).toBe(true);
    return;
  }
  const copy = jsonRoundTrip(parsed.definition);
  expect(copy).toEqual(parsed.definition);
  expect(parseDefinition(copy)).toEqual({ ok: true, definition: parsed.definition });
  const problems = validateForPublish(parsed.definition, context);
  expect(problems.every(isWellFormed)).toBe(true);
}

/** Every path (list of keys) to a node of a JSON document, the root included. */
function pathsOf(value: unknown, prefix: (string | number)[] = []): (string | number)[][] {
  const paths = [prefix];
  if (Array.isArray(value)) value.forEach((item, index) => paths.push(...pathsOf(item, [...prefix, index])));
  else if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) paths.push(...pathsOf(item, [...prefix, key]));
  }
  return paths;
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type Mutation = { pick: number; kind: 'set' | 'similar' | 'delete' | 'null' | 'graft'; value: unknown; donor: number };

const kindOf = (value: unknown): string => (Array.isArray(value) ? 'array' : value === null ? 'null' : typeof value);

/**
 * Applies one mutation in place (or returns the replaced root). `similar` keeps the node's JSON type
 * (a text for a text, a list for a list), so that many mutants still parse and reach publishing.
 */
function mutate(document: Json | undefined, mutation: Mutation, candidates: readonly unknown[]): Json | undefined {
  const paths = pathsOf(document);
  const path = paths[mutation.pick % paths.length];
  const read = (at: (string | number)[]): Json =>
    at.reduce<Json>((node, key) => (node as Record<string, Json>)[key as string], document as Json);
  const current = read(path);
  const replacement = (): Json | undefined => {
    switch (mutation.kind) {
      case 'set':
        return mutation.value as Json;
      case 'null':
        return null;
      case 'delete':
        return undefined;
      case 'graft':
        return structuredClone(read(paths[mutation.donor % paths.length]));
      case 'similar': {
        const sameKind = [...candidates, ...paths.map(read)].filter((value) => kindOf(value) === kindOf(current));
        return structuredClone(sameKind[mutation.donor % sameKind.length] as Json);
      }
    }
  };
  const value = replacement();
  if (path.length === 0) return value;
  const parent = read(path.slice(0, -1)) as Record<string, Json> & Json[];
  const key = path[path.length - 1];
  if (value !== undefined) parent[key as string] = value;
  else if (Array.isArray(parent)) parent.splice(Number(key), 1);
  else delete parent[key as string];
  return document;
}

/** Values that fit many fields of a definition, so that mutants often still parse. */
const PLAUSIBLE_VALUES: readonly unknown[] = [
  'welcome',
  'settle',
  'reminder',
  'thanks',
  'by-tier',
  'announce',
  'nowhere',
  'signed-up',
  'purchased',
  'ghost',
  'digest-sent',
  'P1D',
  'P91D',
  'P4M',
  '-P1D',
  'PT0S',
  'PT12H',
  '2026-12-01T09:00:00',
  '2020-01-01T00:00:00Z',
  'Europe/Paris',
  'Mars/Base',
  'trigger.amount',
  'trigger.nope',
  'profile.tier',
  '',
  '__proto__',
  0,
  -1,
  1,
  26,
  101,
  0.5,
  true,
  false,
  [],
  {},
];

const mutationArbitrary: fc.Arbitrary<Mutation> = fc.record({
  pick: fc.nat(),
  kind: fc.oneof(
    { arbitrary: fc.constant('similar' as const), weight: 6 },
    { arbitrary: fc.constant('set' as const), weight: 1 },
    { arbitrary: fc.constantFrom('delete' as const, 'null' as const, 'graft' as const), weight: 1 },
  ),
  value: fc.oneof(
    { arbitrary: fc.constantFrom(...PLAUSIBLE_VALUES), weight: 3 },
    { arbitrary: fc.jsonValue({ maxDepth: 3 }), weight: 1 },
  ),
  donor: fc.nat(),
});

describe('parseDefinition and validateForPublish never throw', () => {
  const context = examplePublishContext(NOW);

  it('on any value at all', () => {
    fc.assert(
      fc.property(fc.anything({ withNullPrototype: true, withObjectString: true, withSparseArray: true }), (input) => {
        checkPipeline(input, context);
      }),
      { numRuns: 2000 },
    );
  });

  it('on any JSON document', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (input) => {
        checkPipeline(input, context);
      }),
      { numRuns: 2000 },
    );
  });

  it('on mutated examples', () => {
    const outcomes = { refused: 0, 'draft only': 0, publishable: 0 };
    const examples = [welcomeJourneyExample, loyaltyDigestJourneyExample];
    fc.assert(
      fc.property(
        fc.constantFrom(...examples),
        fc.array(mutationArbitrary, { minLength: 1, maxLength: 4 }),
        (example, mutations) => {
          const document = mutations.reduce<Json | undefined>(
            (current, mutation) => mutate(current, mutation, PLAUSIBLE_VALUES),
            jsonRoundTrip<unknown>(example) as Json,
          );
          checkPipeline(document, context);
          const parsed = parseDefinition(document);
          outcomes[
            parsed.ok
              ? validateForPublish(parsed.definition, context).length === 0
                ? 'publishable'
                : 'draft only'
              : 'refused'
          ]++;
        },
      ),
      { numRuns: 3000 },
    );
    // Every outcome is common (about 80/13/7 %), so both functions are exercised deeply.
    expect(Math.min(...Object.values(outcomes))).toBeGreaterThan(150);
  });
});

const ids = ['a', 'b', 'c', 'd', 'e', 'ghost'];
const triggerNames = ['signed-up', 'purchased', 'digest-sent', 'draft', 'ghost'];
const idArbitrary = fc.constantFrom(...ids);
const maybe = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });
const durationArbitrary = fc.constantFrom('PT30M', 'P1D', 'P2W', 'P3M', 'P91D', 'PT0S', '-P1D', 'P1Y');
const dateTimeArbitrary = fc.constantFrom(
  '2026-01-01T00:00:00',
  '2027-01-01T09:00:00',
  '2026-12-01T00:00:00Z',
  '2027-06-01T00:00:00+02:00',
  '2026-03-29T02:30:00',
);
const attributeArbitrary = fc.constantFrom(
  'trigger.country',
  'trigger.amount',
  'trigger.signedUpAt',
  'trigger.nope',
  'profile.tier',
);
const scalarArbitrary: fc.Arbitrary<ScalarValue> = fc.oneof(
  fc.constantFrom('US', 'gold', '2026-12-01T00:00:00Z'),
  fc.integer(),
  fc.boolean(),
);

const conditionArbitrary: fc.Arbitrary<Condition> = fc.letrec<{ condition: Condition }>((tie) => ({
  condition: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({
      attribute: attributeArbitrary,
      op: fc.constantFrom('eq', 'ne', 'contains'),
      value: scalarArbitrary,
    }) as fc.Arbitrary<Condition>,
    fc.record({
      attribute: attributeArbitrary,
      op: fc.constantFrom('gt', 'gte', 'lt', 'lte'),
      value: fc.oneof(fc.integer(), fc.constant('2026-12-01T00:00:00Z')),
    }) as fc.Arbitrary<Condition>,
    fc.record({
      attribute: attributeArbitrary,
      op: fc.constant('in'),
      value: fc.array(scalarArbitrary, { maxLength: 3 }),
    }) as fc.Arbitrary<Condition>,
    fc.record({
      attribute: attributeArbitrary,
      op: fc.constantFrom('before', 'after'),
      value: fc.constant('2026-12-01T00:00:00Z'),
    }) as fc.Arbitrary<Condition>,
    fc.record(
      { attribute: attributeArbitrary, op: fc.constant('exists'), value: maybe(fc.boolean()) },
      { requiredKeys: ['attribute', 'op'] },
    ) as fc.Arbitrary<Condition>,
    fc.record({ inSegment: fc.constantFrom('vip', 'churned') }),
    fc.record({ all: fc.array(tie('condition'), { maxLength: 3 }) }),
    fc.record({ any: fc.array(tie('condition'), { maxLength: 3 }) }),
    fc.record({ not: tie('condition') }),
  ),
})).condition;

/** Drops undefined fields, as a parsed definition has none. */
function withoutUndefined<T>(value: T): T {
  return jsonRoundTrip(value);
}

const stepArbitrary: fc.Arbitrary<Step> = fc
  .oneof(
    fc.record({
      id: idArbitrary,
      type: fc.constant('send'),
      channel: fc.constantFrom('email', 'sms', 'push', 'custom'),
      content: fc.constant('c'),
      expires: maybe(durationArbitrary),
      next: maybe(idArbitrary),
    }),
    fc.oneof(
      fc.record({ id: idArbitrary, type: fc.constant('wait'), duration: durationArbitrary, next: maybe(idArbitrary) }),
      fc.record({ id: idArbitrary, type: fc.constant('wait'), until: dateTimeArbitrary, next: maybe(idArbitrary) }),
      fc.record({
        id: idArbitrary,
        type: fc.constant('wait'),
        untilAttribute: attributeArbitrary,
        offset: maybe(durationArbitrary),
        next: maybe(idArbitrary),
      }),
    ),
    fc.record({
      id: idArbitrary,
      type: fc.constant('waitForTrigger'),
      trigger: fc.constantFrom(...triggerNames),
      conditions: maybe(conditionArbitrary),
      correlate: maybe(idArbitrary),
      within: durationArbitrary,
      yes: maybe(idArbitrary),
      no: maybe(idArbitrary),
    }),
    fc.record({
      id: idArbitrary,
      type: fc.constant('branch'),
      branches: fc.array(fc.record({ if: conditionArbitrary, next: maybe(idArbitrary) }), { maxLength: 3 }),
      otherwise: maybe(idArbitrary),
    }),
    fc.record({
      id: idArbitrary,
      type: fc.constant('split'),
      branches: fc.array(fc.record({ weight: fc.integer({ min: -1, max: 5 }), next: maybe(idArbitrary) }), {
        maxLength: 4,
      }),
    }),
    fc.record({
      id: idArbitrary,
      type: fc.constant('activateTrigger'),
      trigger: fc.constantFrom(...triggerNames),
      attributes: maybe(
        fc.dictionary(
          fc.constantFrom('channel', 'tier', 'x'),
          fc.oneof(scalarArbitrary, fc.record({ from: attributeArbitrary })),
          { maxKeys: 3 },
        ),
      ),
      next: maybe(idArbitrary),
    }),
    fc.record({ id: idArbitrary, type: fc.constant('exit') }),
  )
  .map((step) => withoutUndefined(step) as Step);

const definitionArbitrary: fc.Arbitrary<JourneyDefinition> = fc
  .record({
    name: fc.string({ minLength: 1, maxLength: 20 }).filter((name) => name.trim().length > 0),
    audience: fc.oneof(
      fc.record({
        type: fc.constant('trigger' as const),
        trigger: fc.constantFrom(...triggerNames),
        conditions: maybe(conditionArbitrary),
        reentry: maybe(
          fc.oneof(
            fc.constant({ mode: 'never' as const }),
            fc.constant({ mode: 'always' as const }),
            durationArbitrary.map((after) => ({ mode: 'after' as const, after })),
          ),
        ),
      }),
      fc.record({
        type: fc.constant('segment' as const),
        segments: fc.array(fc.constantFrom('s1', 's2'), { maxLength: 17 }),
        frequency: maybe(
          fc.oneof(
            fc.constant({ mode: 'once' as const }),
            fc.constant({ mode: 'dynamic' as const }),
            fc.record({
              mode: fc.constant('recurring' as const),
              every: durationArbitrary,
              occurrences: maybe(fc.integer({ min: -1, max: 5 })),
            }),
          ),
        ),
        rejoinReentry: maybe(fc.boolean()),
      }),
    ),
    schedule: maybe(
      fc.record({
        start: maybe(dateTimeArbitrary),
        end: maybe(dateTimeArbitrary),
        timeZone: maybe(fc.constantFrom('UTC', 'Europe/Paris', 'Nowhere/City')),
      }),
    ),
    exit: maybe(
      fc.record({
        triggers: maybe(fc.array(fc.constantFrom(...triggerNames), { maxLength: 2 })),
        segments: maybe(fc.array(fc.constant('churned'), { maxLength: 2 })),
      }),
    ),
    goal: maybe(
      fc.record({
        trigger: fc.constantFrom(...triggerNames),
        target: fc.oneof(
          fc.record({ percent: fc.integer({ min: -5, max: 120 }) }),
          fc.record({ count: fc.integer({ min: -1, max: 10 }) }),
        ),
      }),
    ),
    steps: fc.array(stepArbitrary, { maxLength: 8 }),
  })
  .map((definition) => withoutUndefined(definition) as JourneyDefinition);

function publishContext(nameTaken: boolean): PublishContext {
  const base = examplePublishContext(NOW);
  const triggers = new Map<string, TriggerDefinitionInfo>(base.triggers);
  triggers.set('draft', { state: 'Draft', attributes: [{ name: 'country', type: 'number' }] });
  return { ...base, triggers, journeyNameTaken: nameTaken };
}

describe('generated definitions', () => {
  it('parse to themselves and survive JSON unchanged', () => {
    fc.assert(
      fc.property(definitionArbitrary, (definition) => {
        expect(parseDefinition(jsonRoundTrip(definition))).toEqual({ ok: true, definition });
      }),
      { numRuns: 1000 },
    );
  });

  it('publish without throwing, with well-formed problems', () => {
    fc.assert(
      fc.property(definitionArbitrary, fc.boolean(), (definition, nameTaken) => {
        const problems = validateForPublish(definition, publishContext(nameTaken));
        expect(problems.every(isWellFormed)).toBe(true);
        expect(problems.some((problem) => problem.code === ProblemCode.DuplicateJourneyName)).toBe(nameTaken);
        expect(problems.some((problem) => problem.code === ProblemCode.NoSteps)).toBe(definition.steps.length === 0);
      }),
      { numRuns: 1000 },
    );
  });

  it('report a wait-free cycle exactly when a non-waiting step can come back to itself', () => {
    fc.assert(
      fc.property(fc.array(stepArbitrary, { maxLength: 8 }), (steps) => {
        const graph = buildStepGraph(steps);
        const inCycle = new Set(cyclesWithoutWait(steps, graph).flat());
        steps.forEach((step, index) => {
          expect(inCycle.has(index)).toBe(!isWaitingStep(step) && returnsWithoutWait(graph.successors, steps, index));
        });
      }),
      { numRuns: 2000 },
    );
  });
});

/** Oracle: a plain search from `start` through non-waiting steps back to `start`. */
function returnsWithoutWait(
  successors: ReadonlyArray<readonly number[]>,
  steps: readonly Step[],
  start: number,
): boolean {
  const seen = new Set<number>();
  const stack = [...successors[start]];
  while (stack.length > 0) {
    const current = stack.pop() as number;
    if (current === start) return true;
    if (seen.has(current) || isWaitingStep(steps[current])) continue;
    seen.add(current);
    stack.push(...successors[current]);
  }
  return false;
}
