import { loyaltyDigestJourneyExample, welcomeJourneyExample } from '@journeys/definition';
import type { JourneyDefinition } from '@journeys/definition';
import { parseDefinition } from './parse-definition';
import { ProblemCode, type DefinitionProblem } from '@journeys/definition';

type Json = { [key: string]: unknown };

/** A minimal valid trigger journey, as plain JSON to break at will. */
function minimal(): Json {
  return {
    name: 'Minimal',
    audience: { type: 'trigger', trigger: 'signed-up' },
    steps: [{ id: 's1', type: 'send', channel: 'email', content: 'hello' }],
  };
}

function problemsOf(input: unknown): DefinitionProblem[] {
  const result = parseDefinition(input);
  if (result.ok) throw new Error('expected problems, the definition parsed');
  return result.problems;
}

function onlyProblem(input: unknown): Pick<DefinitionProblem, 'code' | 'path'> {
  const problems = problemsOf(input);
  expect(problems).toHaveLength(1);
  return { code: problems[0].code, path: problems[0].path };
}

function withStep(step: Json): Json {
  return { ...minimal(), steps: [step] };
}

describe('parseDefinition accepts good definitions', () => {
  it.each([
    ['the welcome example', welcomeJourneyExample],
    ['the loyalty example', loyaltyDigestJourneyExample],
  ])('%s, unchanged', (_, example) => {
    const input = JSON.parse(JSON.stringify(example));
    const result = parseDefinition(input);
    expect(result).toEqual({ ok: true, definition: example });
    if (result.ok) expect(result.definition).not.toBe(input);
  });

  it('a minimal one', () => {
    expect(parseDefinition(minimal())).toEqual({ ok: true, definition: minimal() });
  });

  it('every step type and every optional field', () => {
    const everything: JourneyDefinition = {
      name: 'Everything',
      description: '',
      audience: {
        type: 'trigger',
        trigger: 'signed-up',
        conditions: {
          any: [
            { attribute: 'trigger.country', op: 'eq', value: 'US' },
            { attribute: 'trigger.amount', op: 'gt', value: 1.5 },
            { attribute: 'trigger.at', op: 'lte', value: '2026-12-01T09:00:00+01:00' },
            { attribute: 'profile.tags', op: 'contains', value: 'vip' },
            { attribute: 'profile.plan', op: 'in', value: ['pro', 1, true] },
            { attribute: 'profile.plan', op: 'exists', value: false },
            { attribute: 'profile.plan', op: 'exists' },
            { attribute: 'profile.since', op: 'before', value: '2026-01-01T00:00:00Z' },
            { not: { inSegment: 'vip' } },
            { all: [] },
          ],
        },
        reentry: { mode: 'after', after: 'P7D' },
        exclusionSegments: ['do-not-contact'],
      },
      schedule: { start: '2026-12-01T09:00:00', end: '2027-01-31T00:00:00Z', timeZone: 'Europe/Paris' },
      exit: { triggers: ['unsubscribed'], segments: ['churned'] },
      goal: { trigger: 'purchased', target: { count: 500 } },
      steps: [
        { id: 'send', type: 'send', channel: 'custom', content: 'c', expires: 'PT1H', next: 'wait' },
        { id: 'wait', type: 'wait', untilAttribute: 'trigger.at', offset: '-P1D', next: 'wft' },
        {
          id: 'wft',
          type: 'waitForTrigger',
          trigger: 't',
          conditions: { inSegment: 's' },
          correlate: 'send',
          within: 'P1D',
          yes: 'branch',
          no: 'split',
        },
        {
          id: 'branch',
          type: 'branch',
          branches: [{ if: { inSegment: 's' }, next: 'split' }, { if: { inSegment: 't' } }],
          otherwise: 'act',
        },
        { id: 'split', type: 'split', branches: [{ weight: 1, next: 'act' }, { weight: 2.5 }] },
        {
          id: 'act',
          type: 'activateTrigger',
          trigger: 'x',
          attributes: { a: 1, b: 'two', c: false, 'first name': { from: 'profile.name' } },
          next: 'exit',
        },
        { id: 'exit', type: 'exit' },
      ],
    };
    expect(parseDefinition(JSON.parse(JSON.stringify(everything)))).toEqual({ ok: true, definition: everything });
  });

  it('segment audiences with each frequency', () => {
    for (const frequency of [{ mode: 'once' }, { mode: 'dynamic' }, { mode: 'recurring', every: 'P1M' }]) {
      const input = { ...minimal(), audience: { type: 'segment', segments: ['a'], frequency, rejoinReentry: true } };
      expect(parseDefinition(input)).toEqual({ ok: true, definition: input });
    }
  });

  it('drops optional fields that are null', () => {
    const step = { id: 's1', type: 'send', channel: 'email', content: 'hello', next: null };
    const input = { ...minimal(), description: null, goal: null, steps: [step] };
    expect(parseDefinition(input)).toEqual({ ok: true, definition: minimal() });
  });

  it('turns -0 into 0 so the definition survives JSON', () => {
    const input = withStep({ id: 's', type: 'split', branches: [{ weight: -0 }, { weight: 1 }] });
    const result = parseDefinition(input);
    expect(
      result.ok && Object.is((result.definition.steps[0] as { branches: { weight: number }[] }).branches[0].weight, 0),
    ).toBe(true);
  });

  it('leaves graph, reference and limit problems to publishing', () => {
    const input = {
      ...minimal(),
      audience: { type: 'segment', segments: [] },
      steps: [
        { id: 'a', type: 'wait', duration: 'P400D', next: 'nowhere' },
        { id: 'a', type: 'split', branches: [{ weight: 0 }] },
      ],
    };
    expect(parseDefinition(input).ok).toBe(true);
  });
});

describe('parseDefinition reports each shape problem with its path', () => {
  it.each<[string, () => unknown, string, string]>([
    ['a missing name', () => ({ ...minimal(), name: undefined }), ProblemCode.Required, '$.name'],
    // null means absent only where a field is optional; a required field that is null has the wrong type.
    ['a null name', () => ({ ...minimal(), name: null }), ProblemCode.WrongType, '$.name'],
    ['missing steps', () => ({ ...minimal(), steps: undefined }), ProblemCode.Required, '$.steps'],
    ['a missing audience', () => ({ ...minimal(), audience: undefined }), ProblemCode.Required, '$.audience'],
    ['a step without id', () => withStep({ type: 'exit' }), ProblemCode.Required, '$.steps[0].id'],
    ['a step without type', () => withStep({ id: 'x' }), ProblemCode.Required, '$.steps[0].type'],
    [
      'a send without content',
      () => withStep({ id: 'x', type: 'send', channel: 'sms' }),
      ProblemCode.Required,
      '$.steps[0].content',
    ],
    ['a wait without a time', () => withStep({ id: 'x', type: 'wait' }), ProblemCode.Required, '$.steps[0]'],
    [
      'a waitForTrigger without within',
      () => withStep({ id: 'x', type: 'waitForTrigger', trigger: 't' }),
      ProblemCode.Required,
      '$.steps[0].within',
    ],
    [
      'a branch without if',
      () => withStep({ id: 'x', type: 'branch', branches: [{ next: 'y' }] }),
      ProblemCode.Required,
      '$.steps[0].branches[0].if',
    ],
    [
      'a split branch without weight',
      () => withStep({ id: 'x', type: 'split', branches: [{}] }),
      ProblemCode.Required,
      '$.steps[0].branches[0].weight',
    ],
    ['a goal without target', () => ({ ...minimal(), goal: { trigger: 'p' } }), ProblemCode.Required, '$.goal.target'],
    [
      'reentry after without after',
      () => ({ ...minimal(), audience: { type: 'trigger', trigger: 't', reentry: { mode: 'after' } } }),
      ProblemCode.Required,
      '$.audience.reentry.after',
    ],
    [
      'recurring without every',
      () => ({ ...minimal(), audience: { type: 'segment', segments: ['s'], frequency: { mode: 'recurring' } } }),
      ProblemCode.Required,
      '$.audience.frequency.every',
    ],
    [
      'a segment audience without segments',
      () => ({ ...minimal(), audience: { type: 'segment' } }),
      ProblemCode.Required,
      '$.audience.segments',
    ],
    [
      'a leaf without value',
      () => ({
        ...minimal(),
        audience: { type: 'trigger', trigger: 't', conditions: { attribute: 'trigger.a', op: 'eq' } },
      }),
      ProblemCode.Required,
      '$.audience.conditions.value',
    ],
    ['a number for a name', () => ({ ...minimal(), name: 42 }), ProblemCode.WrongType, '$.name'],
    ['a list for the audience', () => ({ ...minimal(), audience: [] }), ProblemCode.WrongType, '$.audience'],
    ['an object for steps', () => ({ ...minimal(), steps: {} }), ProblemCode.WrongType, '$.steps'],
    [
      'a string for a weight',
      () => withStep({ id: 'x', type: 'split', branches: [{ weight: '1' }, { weight: 1 }] }),
      ProblemCode.WrongType,
      '$.steps[0].branches[0].weight',
    ],
    [
      'a text for rejoinReentry',
      () => ({ ...minimal(), audience: { type: 'segment', segments: ['s'], rejoinReentry: 'yes' } }),
      ProblemCode.WrongType,
      '$.audience.rejoinReentry',
    ],
    [
      'a number in segments',
      () => ({ ...minimal(), audience: { type: 'segment', segments: ['s', 7] } }),
      ProblemCode.WrongType,
      '$.audience.segments[1]',
    ],
    [
      'a null attribute value',
      () => withStep({ id: 'x', type: 'activateTrigger', trigger: 't', attributes: { a: null } }),
      ProblemCode.WrongType,
      '$.steps[0].attributes.a',
    ],
    [
      'an object value in a condition',
      () => ({
        ...minimal(),
        audience: { type: 'trigger', trigger: 't', conditions: { attribute: 'trigger.a', op: 'eq', value: {} } },
      }),
      ProblemCode.WrongType,
      '$.audience.conditions.value',
    ],
    ['a null step', () => ({ ...minimal(), steps: [null] }), ProblemCode.WrongType, '$.steps[0]'],
    ['an empty name', () => ({ ...minimal(), name: '' }), ProblemCode.TooShort, '$.name'],
    ['a blank step id', () => withStep({ id: '  ', type: 'exit' }), ProblemCode.TooShort, '$.steps[0].id'],
    ['a 151-character name', () => ({ ...minimal(), name: 'n'.repeat(151) }), ProblemCode.TooLong, '$.name'],
    [
      'a 2001-character description',
      () => ({ ...minimal(), description: 'd'.repeat(2001) }),
      ProblemCode.TooLong,
      '$.description',
    ],
    [
      '31 activated attributes',
      () =>
        withStep({
          id: 'x',
          type: 'activateTrigger',
          trigger: 't',
          attributes: Object.fromEntries(Array.from({ length: 31 }, (_, i) => [`a${i}`, i])),
        }),
      ProblemCode.TooLong,
      '$.steps[0].attributes',
    ],
    ['a typo at the top', () => ({ ...minimal(), colour: 'red' }), ProblemCode.UnknownField, '$.colour'],
    [
      'a typo in a step',
      () => withStep({ id: 'x', type: 'exit', nxt: 'y' }),
      ProblemCode.UnknownField,
      '$.steps[0].nxt',
    ],
    [
      'next on a waitForTrigger',
      () => withStep({ id: 'x', type: 'waitForTrigger', trigger: 't', within: 'P1D', next: 'y' }),
      ProblemCode.UnknownField,
      '$.steps[0].next',
    ],
    [
      'segments on a trigger audience',
      () => ({ ...minimal(), audience: { type: 'trigger', trigger: 't', segments: ['s'] } }),
      ProblemCode.UnknownField,
      '$.audience.segments',
    ],
    [
      'after with reentry never',
      () => ({ ...minimal(), audience: { type: 'trigger', trigger: 't', reentry: { mode: 'never', after: 'P1D' } } }),
      ProblemCode.UnknownField,
      '$.audience.reentry.after',
    ],
    [
      'every with frequency once',
      () => ({
        ...minimal(),
        audience: { type: 'segment', segments: ['s'], frequency: { mode: 'once', every: 'P1D' } },
      }),
      ProblemCode.UnknownField,
      '$.audience.frequency.every',
    ],
    ['a key that is no identifier', () => ({ ...minimal(), 'my key': 1 }), ProblemCode.UnknownField, "$['my key']"],
    [
      'an unknown channel',
      () => withStep({ id: 'x', type: 'send', channel: 'fax', content: 'c' }),
      ProblemCode.InvalidValue,
      '$.steps[0].channel',
    ],
    [
      'an unknown audience type',
      () => ({ ...minimal(), audience: { type: 'everyone' } }),
      ProblemCode.InvalidValue,
      '$.audience.type',
    ],
    [
      'an unknown operator',
      () => ({
        ...minimal(),
        audience: { type: 'trigger', trigger: 't', conditions: { attribute: 'trigger.a', op: 'like', value: 'x' } },
      }),
      ProblemCode.InvalidValue,
      '$.audience.conditions.op',
    ],
    [
      'an unknown reentry mode',
      () => ({ ...minimal(), audience: { type: 'trigger', trigger: 't', reentry: { mode: 'sometimes' } } }),
      ProblemCode.InvalidValue,
      '$.audience.reentry.mode',
    ],
    [
      'an unknown step type',
      () => withStep({ id: 'x', type: 'sendCarrierPigeon' }),
      ProblemCode.UnknownStepType,
      '$.steps[0].type',
    ],
    ['a numeric step type', () => withStep({ id: 'x', type: 3 }), ProblemCode.UnknownStepType, '$.steps[0].type'],
    [
      'a wait with duration and until',
      () => withStep({ id: 'x', type: 'wait', duration: 'P1D', until: '2027-01-01T00:00:00' }),
      ProblemCode.ConflictingFields,
      '$.steps[0].until',
    ],
    [
      'an offset without untilAttribute',
      () => withStep({ id: 'x', type: 'wait', duration: 'P1D', offset: 'PT1H' }),
      ProblemCode.ConflictingFields,
      '$.steps[0].offset',
    ],
    [
      'a goal with percent and count',
      () => ({ ...minimal(), goal: { trigger: 'p', target: { percent: 1, count: 1 } } }),
      ProblemCode.ConflictingFields,
      '$.goal.target',
    ],
    [
      'a duration in words',
      () => withStep({ id: 'x', type: 'wait', duration: '2 days' }),
      ProblemCode.InvalidDuration,
      '$.steps[0].duration',
    ],
    [
      'an invalid within',
      () => withStep({ id: 'x', type: 'waitForTrigger', trigger: 't', within: 'P1.5D' }),
      ProblemCode.InvalidDuration,
      '$.steps[0].within',
    ],
    [
      'an invalid expires',
      () => withStep({ id: 'x', type: 'send', channel: 'sms', content: 'c', expires: '12h' }),
      ProblemCode.InvalidDuration,
      '$.steps[0].expires',
    ],
    [
      'a quiet-hours mode that does not exist',
      () => withStep({ id: 'x', type: 'send', channel: 'sms', content: 'c', quietHours: 'later' }),
      ProblemCode.InvalidValue,
      '$.steps[0].quietHours',
    ],
    [
      'quiet hours that are not HH:mm',
      () => ({ ...minimal(), delivery: { quietHours: { start: '9pm', end: '08:00' } } }),
      ProblemCode.InvalidQuietHours,
      '$.delivery.quietHours.start',
    ],
    [
      'a quiet-hours start without an end',
      () => ({ ...minimal(), delivery: { quietHours: { start: '21:00' } } }),
      ProblemCode.Required,
      '$.delivery.quietHours.start',
    ],
    [
      'an invalid reentry delay',
      () => ({
        ...minimal(),
        audience: { type: 'trigger', trigger: 't', reentry: { mode: 'after', after: 'a week' } },
      }),
      ProblemCode.InvalidDuration,
      '$.audience.reentry.after',
    ],
    [
      'an invalid until',
      () => withStep({ id: 'x', type: 'wait', until: '2026-02-30T09:00:00' }),
      ProblemCode.InvalidDateTime,
      '$.steps[0].until',
    ],
    [
      'an invalid start',
      () => ({ ...minimal(), schedule: { start: 'tomorrow' } }),
      ProblemCode.InvalidStartTime,
      '$.schedule.start',
    ],
    [
      'an invalid end',
      () => ({ ...minimal(), schedule: { end: '2026-12-01' } }),
      ProblemCode.InvalidEndTime,
      '$.schedule.end',
    ],
    [
      'an attribute without source',
      () => ({
        ...minimal(),
        audience: { type: 'trigger', trigger: 't', conditions: { attribute: 'country', op: 'exists' } },
      }),
      ProblemCode.InvalidAttributeReference,
      '$.audience.conditions.attribute',
    ],
    [
      'an untilAttribute of another source',
      () => withStep({ id: 'x', type: 'wait', untilAttribute: 'event.at' }),
      ProblemCode.InvalidAttributeReference,
      '$.steps[0].untilAttribute',
    ],
    [
      'a mapping from nowhere',
      () => withStep({ id: 'x', type: 'activateTrigger', trigger: 't', attributes: { a: { from: 'trigger.' } } }),
      ProblemCode.InvalidAttributeReference,
      '$.steps[0].attributes.a.from',
    ],
    [
      'an attribute named __proto__',
      () => withStep({ id: 'x', type: 'activateTrigger', trigger: 't', attributes: JSON.parse('{"__proto__": 1}') }),
      ProblemCode.InvalidAttributeName,
      '$.steps[0].attributes.__proto__',
    ],
    [
      'a condition of no known shape',
      () => ({ ...minimal(), audience: { type: 'trigger', trigger: 't', conditions: { either: [] } } }),
      ProblemCode.InvalidCondition,
      '$.audience.conditions',
    ],
    [
      'a condition of two shapes',
      () => ({ ...minimal(), audience: { type: 'trigger', trigger: 't', conditions: { all: [], any: [] } } }),
      ProblemCode.InvalidCondition,
      '$.audience.conditions',
    ],
    [
      'in with a single value',
      () => ({
        ...minimal(),
        audience: { type: 'trigger', trigger: 't', conditions: { attribute: 'trigger.a', op: 'in', value: 'US' } },
      }),
      ProblemCode.InvalidCondition,
      '$.audience.conditions.value',
    ],
    [
      'before with a number',
      () => ({
        ...minimal(),
        audience: { type: 'trigger', trigger: 't', conditions: { attribute: 'trigger.a', op: 'before', value: 5 } },
      }),
      ProblemCode.InvalidCondition,
      '$.audience.conditions.value',
    ],
    [
      'after without offset',
      () => ({
        ...minimal(),
        audience: {
          type: 'trigger',
          trigger: 't',
          conditions: { attribute: 'trigger.a', op: 'after', value: '2026-12-01T09:00:00' },
        },
      }),
      ProblemCode.InvalidCondition,
      '$.audience.conditions.value',
    ],
    [
      'gt with text',
      () => ({
        ...minimal(),
        audience: { type: 'trigger', trigger: 't', conditions: { attribute: 'trigger.a', op: 'gt', value: 'b' } },
      }),
      ProblemCode.InvalidCondition,
      '$.audience.conditions.value',
    ],
    [
      'exists with text',
      () => ({
        ...minimal(),
        audience: { type: 'trigger', trigger: 't', conditions: { attribute: 'trigger.a', op: 'exists', value: 'yes' } },
      }),
      ProblemCode.InvalidCondition,
      '$.audience.conditions.value',
    ],
    [
      'a deeply nested condition',
      () => {
        let condition: Json = { inSegment: 's' };
        for (let level = 0; level < 10; level++) condition = { not: condition };
        return { ...minimal(), audience: { type: 'trigger', trigger: 't', conditions: condition } };
      },
      ProblemCode.ConditionTooDeep,
      `$.audience.conditions${'.not'.repeat(10)}`,
    ],
  ])('%s', (_, input, code, path) => {
    expect(onlyProblem(input())).toEqual({ code, path });
  });

  it('reports a too-long list once, and every item that is wrong', () => {
    const segments = Array.from({ length: 5000 }, () => 7);
    const problems = problemsOf({ ...minimal(), audience: { type: 'segment', segments } });
    expect(problems[0]).toMatchObject({ code: ProblemCode.TooLong, path: '$.audience.segments' });
    expect(problems).toHaveLength(5001);
  });

  it('explains what it expected', () => {
    const [problem] = problemsOf(withStep({ id: 'x', type: 'send', channel: 'fax', content: 'c' }));
    expect(problem.message).toBe('"fax" is not a valid channel; one of email, sms, push, custom');
  });
});

describe('parseDefinition reports every problem at once', () => {
  it('across the whole definition', () => {
    const problems = problemsOf({
      name: '',
      colour: 'red',
      audience: { type: 'segment', segments: [1], frequency: { mode: 'weekly' } },
      schedule: { start: 'soon', end: 'later', timeZone: 5 },
      exit: { triggers: 'unsubscribed' },
      goal: { trigger: 'p', target: { percent: '20' } },
      steps: [
        { id: 'a', type: 'send', channel: 'fax' },
        { id: 'b', type: 'wait', duration: '2 days', until: 'never' },
        { type: 'teleport' },
        { id: 'c', type: 'branch', branches: [{ if: { attribute: 'x', op: 'eq', value: 1 } }] },
      ],
    });
    expect(problems.map((problem) => `${problem.code} ${problem.path}`)).toEqual([
      'UnknownField $.colour',
      'TooShort $.name',
      'WrongType $.audience.segments[0]',
      'InvalidValue $.audience.frequency.mode',
      'InvalidStartTime $.schedule.start',
      'InvalidEndTime $.schedule.end',
      'WrongType $.schedule.timeZone',
      'WrongType $.exit.triggers',
      'WrongType $.goal.target.percent',
      'Required $.steps[0].content',
      'InvalidValue $.steps[0].channel',
      'ConflictingFields $.steps[1].until',
      'InvalidDuration $.steps[1].duration',
      'InvalidDateTime $.steps[1].until',
      // A step of unknown type is checked no further: its fields depend on the type.
      'UnknownStepType $.steps[2].type',
      'InvalidAttributeReference $.steps[3].branches[0].if.attribute',
    ]);
  });
});

describe('parseDefinition never throws and never pollutes', () => {
  it.each([
    null,
    undefined,
    0,
    'definition',
    true,
    [],
    [minimal()],
    () => 1,
    Symbol('x'),
    new Date(),
    Object.create(null),
  ])('refuses %p as a whole', (input) => {
    expect(() => parseDefinition(input)).not.toThrow();
    expect(parseDefinition(input).ok).toBe(false);
  });

  it('treats __proto__ and constructor keys as plain unknown fields', () => {
    const input = JSON.parse(
      '{"name":"n","audience":{"type":"trigger","trigger":"t","__proto__":{"polluted":true}},"steps":[],"constructor":{"prototype":{"polluted":true}}}',
    );
    const problems = problemsOf(input);
    expect(problems.map((problem) => `${problem.code} ${problem.path}`)).toEqual([
      'UnknownField $.constructor',
      'UnknownField $.audience.__proto__',
    ]);
    expect(({} as Json).polluted).toBeUndefined();
  });

  it('ignores inherited fields', () => {
    const input = Object.create({ name: 'inherited', audience: { type: 'trigger', trigger: 't' } });
    input.steps = [];
    expect(problemsOf(input).map((problem) => problem.path)).toEqual(['$.name', '$.audience']);
  });

  it('copes with huge strings and deep nesting', () => {
    let deep: Json = { inSegment: 's' };
    for (let level = 0; level < 100_000; level++) deep = { all: [deep] };
    const problems = problemsOf({
      ...minimal(),
      name: 'n'.repeat(1_000_000),
      audience: { type: 'trigger', trigger: 't', conditions: deep },
    });
    expect(problems.map((problem) => problem.code)).toEqual([ProblemCode.TooLong, ProblemCode.ConditionTooDeep]);
  });
});
