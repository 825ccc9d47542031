import { examplePublishContext, loyaltyDigestJourneyExample, welcomeJourneyExample } from './examples';
import { JourneyDefinition, Step } from './journey-definition';
import { parseDefinition } from '@journeys/contract';
import { DefinitionProblem, ProblemCode } from './problem';
import { PublishContext, TriggerDefinitionInfo } from './publish-context';
import { validateForPublish } from './validate-for-publish';

const NOW = new Date('2026-11-28T12:00:00Z');

function context(overrides: Partial<PublishContext> = {}): PublishContext {
  const base = examplePublishContext(NOW);
  const triggers = new Map<string, TriggerDefinitionInfo>(base.triggers);
  triggers.set('t', {
    state: 'Ready',
    attributes: [
      { name: 'at', type: 'datetime' },
      { name: 'n', type: 'number' },
    ],
  });
  triggers.set('draft-trigger', { state: 'Draft', attributes: [] });
  return { ...base, triggers, ...overrides };
}

/** A minimal definition that publishes cleanly; `change` edits a copy. */
function definition(change: (draft: JourneyDefinition) => void = () => undefined): JourneyDefinition {
  const draft: JourneyDefinition = {
    name: 'Minimal',
    audience: { type: 'trigger', trigger: 'signed-up' },
    steps: [{ id: 's1', type: 'send', channel: 'email', content: 'hello' }],
  };
  change(draft);
  return draft;
}

function withSteps(...steps: Step[]): JourneyDefinition {
  return definition((draft) => {
    draft.steps = steps;
  });
}

const codesAndPaths = (problems: DefinitionProblem[]): string[] =>
  problems.map((problem) => `${problem.code} ${problem.path}`);

function problemsOf(candidate: JourneyDefinition, ctx: PublishContext = context()): string[] {
  const parsed = parseDefinition(JSON.parse(JSON.stringify(candidate)));
  if (!parsed.ok) throw new Error(`test definition does not parse: ${JSON.stringify(parsed.problems)}`);
  return codesAndPaths(validateForPublish(parsed.definition, ctx));
}

describe('validateForPublish accepts good definitions', () => {
  it.each([
    ['the welcome example', welcomeJourneyExample],
    ['the loyalty example', loyaltyDigestJourneyExample],
    ['a minimal one', definition()],
  ])('%s', (_, candidate) => {
    expect(problemsOf(candidate)).toEqual([]);
  });

  it('loops that pass through a wait', () => {
    expect(
      problemsOf(
        withSteps(
          { id: 'a', type: 'send', channel: 'email', content: 'c', next: 'w' },
          { id: 'w', type: 'wait', duration: 'P1D', next: 'b' },
          {
            id: 'b',
            type: 'branch',
            branches: [{ if: { attribute: 'profile.done', op: 'eq', value: true } }],
            otherwise: 'a',
          },
        ),
      ),
    ).toEqual([]);
  });

  it('a schedule in the journey time zone, with waits up to 90 days', () => {
    const candidate = definition((draft) => {
      draft.schedule = { start: '2026-12-01T09:00:00', end: '2027-01-31T00:00:00', timeZone: 'Europe/Paris' };
      draft.steps = [
        { id: 'w1', type: 'wait', duration: 'P90D', next: 'w2' },
        { id: 'w2', type: 'wait', until: '2027-03-01T09:00:00', next: 'w3' },
        { id: 'w3', type: 'waitForTrigger', trigger: 'purchased', within: 'P2M28D' },
      ];
    });
    expect(problemsOf(candidate)).toEqual([]);
  });
});

describe('validateForPublish reports each problem with its path', () => {
  const send = (id: string, next?: string): Step => ({
    id,
    type: 'send',
    channel: 'email',
    content: 'c',
    ...(next && { next }),
  });

  it.each<[string, JourneyDefinition, string[]]>([
    ['no steps', withSteps(), ['NoSteps $.steps']],
    [
      'too many steps',
      withSteps(...Array.from({ length: 201 }, (_, i) => send(`s${i}`, i < 200 ? `s${i + 1}` : undefined))),
      ['TooManySteps $.steps'],
    ],
    ['a duplicate step id', withSteps(send('a', 'b'), send('b'), send('a')), ['DuplicateStepId $.steps[2].id']],
    ['an unknown next', withSteps(send('a', 'zz')), ['UnknownStep $.steps[0].next']],
    [
      'unknown yes, no, branch and otherwise targets',
      withSteps(
        { id: 'w', type: 'waitForTrigger', trigger: 't', within: 'P1D', yes: 'y?', no: 'b' },
        { id: 'b', type: 'branch', branches: [{ if: { inSegment: 's' }, next: 'b?' }], otherwise: 'o?' },
      ),
      ['UnknownStep $.steps[0].yes', 'UnknownStep $.steps[1].branches[0].next', 'UnknownStep $.steps[1].otherwise'],
    ],
    ['an unreachable step', withSteps(send('a'), send('b')), ['UnreachableStep $.steps[1]']],
    ['a step looping on itself', withSteps(send('a', 'a')), ['CycleWithoutWait $.steps[0]']],
    [
      'a cycle through a branch and a split',
      withSteps(
        send('a', 'b'),
        { id: 'b', type: 'branch', branches: [{ if: { inSegment: 's' }, next: 'c' }] },
        { id: 'c', type: 'split', branches: [{ weight: 1, next: 'a' }, { weight: 1 }] },
      ),
      ['CycleWithoutWait $.steps[0]'],
    ],
    [
      'a branch without branches',
      withSteps({ id: 'b', type: 'branch', branches: [] }),
      ['TooFewBranches $.steps[0].branches'],
    ],
    [
      'a split with one branch',
      withSteps({ id: 's', type: 'split', branches: [{ weight: 1 }] }),
      ['TooFewBranches $.steps[0].branches'],
    ],
    [
      'a branch with 26 branches',
      withSteps({ id: 'b', type: 'branch', branches: Array.from({ length: 26 }, () => ({ if: { inSegment: 's' } })) }),
      ['TooManyBranches $.steps[0].branches'],
    ],
    [
      'a split with 26 branches',
      withSteps({ id: 's', type: 'split', branches: Array.from({ length: 26 }, () => ({ weight: 1 })) }),
      ['TooManyBranches $.steps[0].branches'],
    ],
    [
      'a zero split weight',
      withSteps({ id: 's', type: 'split', branches: [{ weight: 1 }, { weight: 0 }] }),
      ['InvalidWeight $.steps[0].branches[1].weight'],
    ],
    [
      'a negative split weight',
      withSteps({ id: 's', type: 'split', branches: [{ weight: -1 }, { weight: 1 }] }),
      ['InvalidWeight $.steps[0].branches[0].weight'],
    ],
    ['a 91-day wait', withSteps({ id: 'w', type: 'wait', duration: 'P91D' }), ['WaitTooLong $.steps[0].duration']],
    ['a three-month wait', withSteps({ id: 'w', type: 'wait', duration: 'P3M' }), ['WaitTooLong $.steps[0].duration']],
    [
      'a 13-week within',
      withSteps({ id: 'w', type: 'waitForTrigger', trigger: 't', within: 'P13W' }),
      ['WaitTooLong $.steps[0].within'],
    ],
    [
      'an until more than 90 days after the start',
      definition((draft) => {
        draft.schedule = { start: '2027-01-01T00:00:00Z' };
        draft.steps = [{ id: 'w', type: 'wait', until: '2027-04-02T00:00:00Z' }];
      }),
      ['WaitTooLong $.steps[0].until'],
    ],
    ['a zero wait', withSteps({ id: 'w', type: 'wait', duration: 'PT0S' }), ['InvalidDuration $.steps[0].duration']],
    [
      'a negative within',
      withSteps({ id: 'w', type: 'waitForTrigger', trigger: 't', within: '-P1D' }),
      ['InvalidDuration $.steps[0].within'],
    ],
    [
      'a zero expiry',
      withSteps({ id: 's', type: 'send', channel: 'sms', content: 'c', expires: 'P0D' }),
      ['InvalidDuration $.steps[0].expires'],
    ],
    [
      'a zero reentry delay',
      definition((draft) => {
        draft.audience = { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'after', after: 'PT0M' } };
      }),
      ['InvalidDuration $.audience.reentry.after'],
    ],
    [
      'an until in the past',
      withSteps({ id: 'w', type: 'wait', until: '2026-11-28T11:59:59Z' }),
      ['WaitUntilTimeInPast $.steps[0].until'],
    ],
    [
      'an until in the past in the journey time zone',
      definition((draft) => {
        draft.schedule = { timeZone: 'Asia/Tokyo' }; // 2026-11-28T20:00 Tokyo is 11:00Z
        draft.steps = [{ id: 'w', type: 'wait', until: '2026-11-28T20:00:00' }];
      }),
      ['WaitUntilTimeInPast $.steps[0].until'],
    ],
    [
      'an unknown correlated step',
      withSteps({ id: 'w', type: 'waitForTrigger', trigger: 't', within: 'P1D', correlate: 'nope' }),
      ['UnknownCorrelatedStep $.steps[0].correlate'],
    ],
    [
      'a correlated step that is no send',
      withSteps(
        { id: 'x', type: 'wait', duration: 'P1D', next: 'w' },
        { id: 'w', type: 'waitForTrigger', trigger: 't', within: 'P1D', correlate: 'x' },
      ),
      ['CorrelatedStepNotSend $.steps[1].correlate'],
    ],
    [
      'a correlated send after the wait',
      withSteps({ id: 'w', type: 'waitForTrigger', trigger: 't', within: 'P1D', correlate: 's', yes: 's' }, send('s')),
      ['CorrelatedStepNotBefore $.steps[0].correlate'],
    ],
    [
      'a segment audience without segments',
      definition((draft) => {
        draft.audience = { type: 'segment', segments: [] };
      }),
      ['NoSegments $.audience.segments'],
    ],
    [
      'sixteen segments',
      definition((draft) => {
        draft.audience = { type: 'segment', segments: Array.from({ length: 16 }, (_, i) => `s${i}`) };
      }),
      ['TooManySegments $.audience.segments'],
    ],
    [
      'sixteen exclusion segments',
      definition((draft) => {
        draft.audience = {
          type: 'trigger',
          trigger: 'signed-up',
          exclusionSegments: Array.from({ length: 16 }, (_, i) => `s${i}`),
        };
      }),
      ['TooManySegments $.audience.exclusionSegments'],
    ],
    [
      'sixteen exit segments',
      definition((draft) => {
        draft.exit = { segments: Array.from({ length: 16 }, (_, i) => `s${i}`) };
      }),
      ['TooManySegments $.exit.segments'],
    ],
    [
      'rejoinReentry without dynamic frequency',
      definition((draft) => {
        draft.audience = { type: 'segment', segments: ['s'], rejoinReentry: true };
      }),
      ['RejoinReentryRequiresDynamic $.audience.rejoinReentry'],
    ],
    [
      'a zero recurrence',
      definition((draft) => {
        draft.audience = { type: 'segment', segments: ['s'], frequency: { mode: 'recurring', every: 'P0D' } };
      }),
      ['InvalidDuration $.audience.frequency.every'],
    ],
    [
      'a fractional number of occurrences',
      definition((draft) => {
        draft.audience = {
          type: 'segment',
          segments: ['s'],
          frequency: { mode: 'recurring', every: 'P1W', occurrences: 2.5 },
        };
      }),
      ['InvalidOccurrences $.audience.frequency.occurrences'],
    ],
    [
      'a goal of 0 percent',
      definition((draft) => {
        draft.goal = { trigger: 'purchased', target: { percent: 0 } };
      }),
      ['InvalidGoalTarget $.goal.target.percent'],
    ],
    [
      'a goal of 101 percent',
      definition((draft) => {
        draft.goal = { trigger: 'purchased', target: { percent: 101 } };
      }),
      ['InvalidGoalTarget $.goal.target.percent'],
    ],
    [
      'a goal count of 0',
      definition((draft) => {
        draft.goal = { trigger: 'purchased', target: { count: 0 } };
      }),
      ['InvalidGoalTarget $.goal.target.count'],
    ],
    [
      'an unknown time zone',
      definition((draft) => {
        draft.schedule = { timeZone: 'Mars/Olympus_Mons' };
      }),
      ['InvalidTimeZoneName $.schedule.timeZone'],
    ],
    [
      'an end before the start',
      definition((draft) => {
        draft.schedule = { start: '2027-01-02T00:00:00', end: '2027-01-01T00:00:00' };
      }),
      ['InvalidTimeRange $.schedule.end'],
    ],
    [
      'an end equal to the start',
      definition((draft) => {
        draft.schedule = { start: '2027-01-01T01:00:00+01:00', end: '2027-01-01T00:00:00Z' };
      }),
      ['InvalidTimeRange $.schedule.end'],
    ],
    [
      'an end in the past',
      definition((draft) => {
        draft.schedule = { end: '2026-11-28T12:00:00Z' };
      }),
      ['InvalidEndTime $.schedule.end'],
    ],
    [
      'an unknown audience trigger',
      definition((draft) => {
        draft.audience = { type: 'trigger', trigger: 'ghost' };
      }),
      ['TriggerNotFound $.audience.trigger'],
    ],
    [
      'a draft audience trigger',
      definition((draft) => {
        draft.audience = { type: 'trigger', trigger: 'draft-trigger' };
      }),
      ['TriggerNotReady $.audience.trigger'],
    ],
    [
      'unknown or draft triggers in steps, exit and goal',
      definition((draft) => {
        draft.exit = { triggers: ['unsubscribed', 'ghost'] };
        draft.goal = { trigger: 'draft-trigger', target: { count: 1 } };
        draft.steps = [
          { id: 'w', type: 'waitForTrigger', trigger: 'ghost', within: 'P1D', yes: 'a' },
          { id: 'a', type: 'activateTrigger', trigger: 'draft-trigger' },
        ];
      }),
      [
        'TriggerNotFound $.steps[0].trigger',
        'TriggerNotReady $.steps[1].trigger',
        'TriggerNotFound $.exit.triggers[1]',
        'TriggerNotReady $.goal.trigger',
      ],
    ],
    [
      'an audience condition on an attribute the trigger lacks',
      definition((draft) => {
        draft.audience = {
          type: 'trigger',
          trigger: 'signed-up',
          conditions: { all: [{ attribute: 'trigger.amount', op: 'gt', value: 1 }] },
        };
      }),
      ['UnknownTriggerAttribute $.audience.conditions.all[0].attribute'],
    ],
    [
      'a waitForTrigger condition on an attribute of another trigger',
      withSteps({
        id: 'w',
        type: 'waitForTrigger',
        trigger: 'purchased',
        within: 'P1D',
        conditions: { attribute: 'trigger.country', op: 'eq', value: 'US' },
      }),
      ['UnknownTriggerAttribute $.steps[0].conditions.attribute'],
    ],
    [
      'a branch on a trigger attribute no trigger of the instance has',
      withSteps({ id: 'b', type: 'branch', branches: [{ if: { not: { attribute: 'trigger.sku', op: 'exists' } } }] }),
      ['UnknownTriggerAttribute $.steps[0].branches[0].if.not.attribute'],
    ],
    [
      'a trigger attribute in a segment journey that waits for no trigger',
      definition((draft) => {
        draft.audience = { type: 'segment', segments: ['s'] };
        draft.steps = [{ id: 'w', type: 'wait', untilAttribute: 'trigger.at' }];
      }),
      ['UnknownTriggerAttribute $.steps[0].untilAttribute'],
    ],
    [
      'an untilAttribute that is no date-time',
      withSteps({ id: 'w', type: 'wait', untilAttribute: 'trigger.country' }),
      ['AttributeTypeMismatch $.steps[0].untilAttribute'],
    ],
    [
      'before on a text attribute',
      definition((draft) => {
        draft.audience = {
          type: 'trigger',
          trigger: 'signed-up',
          conditions: { attribute: 'trigger.country', op: 'before', value: '2026-01-01T00:00:00Z' },
        };
      }),
      ['AttributeTypeMismatch $.audience.conditions'],
    ],
    [
      'eq with a number on a text attribute',
      definition((draft) => {
        draft.audience = {
          type: 'trigger',
          trigger: 'signed-up',
          conditions: { any: [{ attribute: 'trigger.country', op: 'in', value: ['US', 1] }] },
        };
      }),
      ['AttributeTypeMismatch $.audience.conditions.any[0]'],
    ],
    [
      'an activated attribute the trigger lacks',
      withSteps({ id: 'a', type: 'activateTrigger', trigger: 'digest-sent', attributes: { colour: 'red' } }),
      ['UnknownTriggerAttribute $.steps[0].attributes.colour'],
    ],
    [
      'an activated attribute of the wrong type',
      withSteps({ id: 'a', type: 'activateTrigger', trigger: 'digest-sent', attributes: { channel: 5 } }),
      ['AttributeTypeMismatch $.steps[0].attributes.channel'],
    ],
    [
      'an activated attribute copied from an unknown trigger attribute',
      withSteps({
        id: 'a',
        type: 'activateTrigger',
        trigger: 'digest-sent',
        attributes: { channel: { from: 'trigger.channel' } },
      }),
      ['UnknownTriggerAttribute $.steps[0].attributes.channel.from'],
    ],
    [
      'an activated attribute copied from one of another type',
      withSteps({
        id: 'a',
        type: 'activateTrigger',
        trigger: 'digest-sent',
        attributes: { channel: { from: 'trigger.signedUpAt' } },
      }),
      ['AttributeTypeMismatch $.steps[0].attributes.channel.from'],
    ],
  ])('%s', (_, candidate, expected) => {
    expect(problemsOf(candidate)).toEqual(expected);
  });

  it('a name another journey has', () => {
    expect(problemsOf(definition(), context({ journeyNameTaken: true }))).toEqual(['DuplicateJourneyName $.name']);
  });

  it('checks attributes of the instance triggers together', () => {
    const candidate = withSteps(
      { id: 'w', type: 'waitForTrigger', trigger: 'purchased', within: 'P1D', yes: 'b' },
      {
        id: 'b',
        type: 'branch',
        branches: [
          { if: { attribute: 'trigger.amount', op: 'gte', value: 10 } },
          { if: { attribute: 'trigger.country', op: 'eq', value: 'US' } },
        ],
      },
    );
    expect(problemsOf(candidate)).toEqual([]);
  });

  it('skips attribute checks against triggers it does not know, reporting the trigger once', () => {
    const candidate = definition((draft) => {
      draft.audience = {
        type: 'trigger',
        trigger: 'ghost',
        conditions: { attribute: 'trigger.anything', op: 'exists' },
      };
      draft.steps = [{ id: 'b', type: 'branch', branches: [{ if: { attribute: 'trigger.whatever', op: 'exists' } }] }];
    });
    expect(problemsOf(candidate)).toEqual(['TriggerNotFound $.audience.trigger']);
  });

  it('does not resolve local times in an invalid time zone', () => {
    const candidate = definition((draft) => {
      draft.schedule = { start: '2020-01-01T00:00:00', end: '2020-01-02T00:00:00', timeZone: 'Nowhere' };
      draft.steps = [{ id: 'w', type: 'wait', until: '2020-01-01T00:00:00' }];
    });
    expect(problemsOf(candidate)).toEqual(['InvalidTimeZoneName $.schedule.timeZone']);
  });

  it('explains itself', () => {
    const problems = validateForPublish(
      withSteps({ id: 'a', type: 'send', channel: 'email', content: 'c', next: 'zz' }),
      context(),
    );
    expect(problems).toEqual([
      { code: ProblemCode.UnknownStep, path: '$.steps[0].next', message: 'no step has the id "zz"' },
    ]);
  });
});

describe('validateForPublish reports every problem at once', () => {
  it('across graph, limits, schedule, triggers and name', () => {
    const candidate = definition((draft) => {
      draft.audience = { type: 'trigger', trigger: 'draft-trigger', reentry: { mode: 'after', after: 'PT0S' } };
      draft.schedule = { start: '2027-02-01T00:00:00', end: '2027-01-01T00:00:00', timeZone: 'Europe/Paris' };
      draft.goal = { trigger: 'ghost', target: { percent: 150 } };
      draft.steps = [
        { id: 'a', type: 'send', channel: 'email', content: 'c', next: 'b' },
        { id: 'b', type: 'branch', branches: [{ if: { inSegment: 's' }, next: 'a' }], otherwise: 'nowhere' },
        { id: 'w', type: 'wait', duration: 'P100D' },
        { id: 'a', type: 'split', branches: [{ weight: 1 }] },
      ];
    });
    expect(problemsOf(candidate, context({ journeyNameTaken: true }))).toEqual([
      'DuplicateJourneyName $.name',
      'InvalidDuration $.audience.reentry.after',
      'InvalidGoalTarget $.goal.target.percent',
      'InvalidTimeRange $.schedule.end',
      'DuplicateStepId $.steps[3].id',
      'UnknownStep $.steps[1].otherwise',
      'UnreachableStep $.steps[2]',
      'CycleWithoutWait $.steps[0]',
      'WaitTooLong $.steps[2].duration',
      'TooFewBranches $.steps[3].branches',
      'TriggerNotReady $.audience.trigger',
      'TriggerNotFound $.goal.trigger',
    ]);
  });
});

describe('validateForPublish refuses cycles that can go round without time passing', () => {
  const send = (id: string, next: string): Step => ({ id, type: 'send', channel: 'email', content: 'c', next });
  const onTick = (reentry: 'never' | 'always', ...steps: Step[]) =>
    definition((draft) => {
      draft.audience = { type: 'trigger', trigger: 't', reentry: { mode: reentry } };
      draft.steps = steps;
    });

  it.each<[string, JourneyDefinition, string[]]>([
    [
      'a wait until an attribute that may lie in the past (the reported loop)',
      onTick('never', { id: 'w', type: 'wait', untilAttribute: 'trigger.at', next: 's' }, send('s', 'w')),
      ['ZeroTimeCycle $.steps[0]'],
    ],
    [
      'a wait until a fixed date, which takes no time once the date has passed',
      onTick('never', send('s', 'w'), { id: 'w', type: 'wait', until: '2027-01-01T00:00:00', next: 's' }),
      ['ZeroTimeCycle $.steps[0]'],
    ],
    [
      'a waitForTrigger whose trigger the cycle raises itself',
      onTick(
        'never',
        { id: 'w', type: 'waitForTrigger', trigger: 'purchased', within: 'P1D', yes: 'r' },
        { id: 'r', type: 'activateTrigger', trigger: 'purchased', next: 'w' },
      ),
      ['ZeroTimeCycle $.steps[0]'],
    ],
    [
      'a journey raising its own entry trigger with re-entry always',
      onTick('always', send('s', 'r'), { id: 'r', type: 'activateTrigger', trigger: 't' }),
      ['ZeroTimeCycle $.steps[1].trigger'],
    ],
  ])('%s', (_, candidate, expected) => {
    expect(problemsOf(candidate)).toEqual(expected);
  });

  it.each<[string, JourneyDefinition]>([
    [
      'a cycle through a wait with a duration',
      onTick(
        'never',
        { id: 'w', type: 'wait', untilAttribute: 'trigger.at', next: 'd' },
        {
          id: 'd',
          type: 'wait',
          duration: 'PT1H',
          next: 'w',
        },
      ),
    ],
    [
      'a cycle through the timeout of a waitForTrigger',
      onTick(
        'never',
        { id: 'w', type: 'waitForTrigger', trigger: 'purchased', within: 'P1D', no: 's' },
        send('s', 'w'),
      ),
    ],
    [
      'a cycle that needs a trigger from outside on each round',
      onTick(
        'never',
        { id: 'w', type: 'waitForTrigger', trigger: 'purchased', within: 'P1D', yes: 's' },
        send('s', 'w'),
      ),
    ],
    [
      'raising the entry trigger with re-entry never',
      onTick('never', send('s', 'r'), { id: 'r', type: 'activateTrigger', trigger: 't' }),
    ],
    [
      'raising the entry trigger with always, after a wait with a duration',
      onTick(
        'always',
        { id: 'w', type: 'wait', duration: 'P1D', next: 'r' },
        {
          id: 'r',
          type: 'activateTrigger',
          trigger: 't',
        },
      ),
    ],
  ])('accepts %s', (_, candidate) => {
    expect(problemsOf(candidate)).toEqual([]);
  });
});

describe('validateForPublish: delivery controls', () => {
  it('publishes a journey with its own quiet hours, a transactional step and a consent topic', () => {
    const draft = definition((d) => {
      d.delivery = { quietHours: { start: '21:00', end: '08:00', mode: 'skip' } };
      d.steps = [
        {
          id: 's1',
          type: 'send',
          channel: 'email',
          content: 'news',
          topic: 'newsletter',
          quietHours: 'hold',
          next: 's2',
        },
        { id: 's2', type: 'send', channel: 'sms', content: 'receipt', transactional: true },
      ];
    });
    expect(validateForPublish(draft, context())).toEqual([]);
  });

  it('refuses quiet hours that end when they start', () => {
    const draft = definition((d) => {
      d.delivery = { quietHours: { start: '22:00', end: '22:00' } };
    });
    expect(validateForPublish(draft, context())).toEqual([
      expect.objectContaining({ code: ProblemCode.InvalidQuietHours, path: '$.delivery.quietHours.end' }),
    ]);
  });
});
