import { parseDefinition } from '@journeys/contract';
import { examplePublishContext } from './examples';
import type { JourneyDefinition } from './journey-definition';
import { validateForPublish } from './validate-for-publish';

/** Publish checks of the delivery controls: each problem with its code and path. */
const NOW = new Date('2026-11-28T12:00:00Z');

function problemsOf(change: (draft: JourneyDefinition) => void): string[] {
  const draft: JourneyDefinition = {
    name: 'Controls',
    audience: { type: 'trigger', trigger: 'signed-up' },
    steps: [
      { id: 'ab', type: 'split', branches: [{ weight: 1, next: 'a' }, { weight: 1 }] },
      { id: 'a', type: 'send', channel: 'email', content: 'a' },
    ],
  };
  change(draft);
  const parsed = parseDefinition(JSON.parse(JSON.stringify(draft)));
  if (!parsed.ok) throw new Error(`does not parse: ${JSON.stringify(parsed.problems)}`);
  return validateForPublish(parsed.definition, examplePublishContext(NOW)).map((p) => `${p.code} ${p.path}`);
}

describe('validateForPublish: delivery controls', () => {
  describe('pause', () => {
    it.each([['P21D'], ['PT2H'], ['P90D']])('accepts a maximum of %s', (maxDuration) => {
      expect(problemsOf((d) => (d.pause = { maxDuration, whenExceeded: 'stop' }))).toEqual([]);
    });
    it.each([
      ['P91D', 'PauseTooLong'],
      ['P3M', 'PauseTooLong'],
      ['PT0S', 'InvalidDuration'],
    ])('refuses a maximum of %s with %s', (maxDuration, code) => {
      expect(problemsOf((d) => (d.pause = { maxDuration }))).toEqual([`${code} $.pause.maxDuration`]);
    });
    it('refuses an unknown whenExceeded at the shape check', () => {
      const parsed = parseDefinition({
        name: 'x',
        audience: { type: 'trigger', trigger: 'signed-up' },
        pause: { whenExceeded: 'later' },
        steps: [{ id: 's', type: 'exit' }],
      });
      expect(parsed.ok ? [] : parsed.problems.map((p) => `${p.code} ${p.path}`)).toEqual([
        'InvalidValue $.pause.whenExceeded',
      ]);
    });
  });

  describe('entry limit', () => {
    it('accepts a count per hour or day with weekdays and hours', () => {
      expect(
        problemsOf((d) => {
          d.audience = {
            type: 'trigger',
            trigger: 'signed-up',
            entryLimit: { count: 500, per: 'P1D', weekdays: ['mon', 'fri'], hours: { from: '09:00', to: '24:00' } },
          };
        }),
      ).toEqual([]);
    });
    it('refuses hours that end before they start, at publish', () => {
      expect(
        problemsOf((d) => {
          d.audience = {
            type: 'segment',
            segments: ['vip'],
            entryLimit: { count: 5, per: 'PT1H', hours: { from: '17:00', to: '17:00' } },
          };
        }),
      ).toEqual(['InvalidLocalTime $.audience.entryLimit.hours.to']);
    });
    it('refuses a bad count, period, weekday list or time at the shape check, each with its path', () => {
      const parsed = parseDefinition({
        name: 'x',
        audience: {
          type: 'trigger',
          trigger: 'signed-up',
          entryLimit: { count: 2.5, per: 'PT30M', weekdays: ['mon', 'mon'], hours: { from: '25:00', to: '9' } },
        },
        steps: [{ id: 's', type: 'exit' }],
      });
      expect(parsed.ok ? [] : parsed.problems.map((p) => `${p.code} ${p.path}`).sort()).toEqual([
        'InvalidEntryLimit $.audience.entryLimit.count',
        'InvalidEntryLimit $.audience.entryLimit.weekdays',
        'InvalidLocalTime $.audience.entryLimit.hours.from',
        'InvalidLocalTime $.audience.entryLimit.hours.to',
        'InvalidValue $.audience.entryLimit.per',
      ]);
    });
  });

  describe('experiment', () => {
    const withExperiment =
      (experiment: unknown, goal = true) =>
      (d: JourneyDefinition) => {
        if (goal) d.goal = { trigger: 'purchased', target: { count: 10 } };
        (d.steps[0] as { experiment?: unknown }).experiment = experiment;
      };
    it('accepts a goal metric with a goal, a trigger metric with a Ready trigger', () => {
      expect(problemsOf(withExperiment({ metric: { type: 'goal', within: 'P7D' }, decideAfter: 'P14D' }))).toEqual([]);
      expect(
        problemsOf(
          withExperiment({ metric: { type: 'trigger', trigger: 'purchased', within: 'P7D' }, sampleSize: 500 }, false),
        ),
      ).toEqual([]);
    });
    it('refuses what cannot decide, each with its path', () => {
      expect(
        problemsOf(withExperiment({ metric: { type: 'goal', within: 'P91D' }, decideAfter: 'P90D' }, false)),
      ).toEqual([
        'InvalidExperiment $.steps[0].experiment.metric',
        'InvalidExperiment $.steps[0].experiment.metric.within',
        'InvalidExperiment $.steps[0].experiment.decideAfter',
      ]);
      expect(problemsOf(withExperiment({ metric: { type: 'goal', within: 'P1D' }, decideAfter: 'P366D' }))).toEqual([
        'InvalidExperiment $.steps[0].experiment.decideAfter',
      ]);
    });
    it('refuses a metric trigger that is not defined', () => {
      expect(
        problemsOf(
          withExperiment({ metric: { type: 'trigger', trigger: 'nope', within: 'P1D' }, sampleSize: 5 }, false),
        ),
      ).toEqual(['TriggerNotFound $.steps[0].experiment.metric.trigger']);
    });
    it('refuses both or neither of decideAfter and sampleSize, and a significance out of range, at the shape check', () => {
      const codes = (experiment: unknown) => {
        const parsed = parseDefinition({
          name: 'x',
          audience: { type: 'trigger', trigger: 'signed-up' },
          steps: [{ id: 'ab', type: 'split', branches: [{ weight: 1 }, { weight: 1 }], experiment }],
        });
        return parsed.ok ? [] : parsed.problems.map((p) => `${p.code} ${p.path}`);
      };
      expect(codes({ metric: { type: 'goal', within: 'P1D' } })).toEqual(['Required $.steps[0].experiment']);
      expect(codes({ metric: { type: 'goal', within: 'P1D' }, decideAfter: 'P2D', sampleSize: 3 })).toEqual([
        'ConflictingFields $.steps[0].experiment.sampleSize',
      ]);
      expect(codes({ metric: { type: 'goal', within: 'P1D' }, sampleSize: 0, significance: 0.9 }).sort()).toEqual([
        'InvalidExperiment $.steps[0].experiment.sampleSize',
        'InvalidExperiment $.steps[0].experiment.significance',
      ]);
    });
  });
});
