import type { JourneyDefinition } from '@journeys/definition';
import { deciderSpec } from '@journeys/testing/decider-spec';
import { decide, evolve, initialState, type JourneyCommand, type JourneyState } from './journey.decider';
import type { JourneyEvent } from './journey.events';

const spec = deciderSpec<JourneyCommand, JourneyEvent, JourneyState>({ decide, evolve, initialState });
const journeyId = 'j1';
const definition: JourneyDefinition = {
  name: 'Offer test',
  audience: { type: 'trigger', trigger: 'signed-up' },
  steps: [
    {
      id: 'ab',
      type: 'split',
      branches: [{ weight: 1, next: 'a' }, { weight: 1 }],
      experiment: { metric: { type: 'trigger', trigger: 'purchased', within: 'P1D' }, decideAfter: 'P7D' },
    },
    { id: 'plain', type: 'split', branches: [{ weight: 1, next: 'a' }, { weight: 1 }] },
    { id: 'a', type: 'send', channel: 'email', content: 'a' },
  ],
};
const live: JourneyEvent[] = [
  { type: 'JourneyCreated', data: { journeyId, name: 'Offer test', definition } },
  { type: 'JourneyPublishRequested', data: { journeyId, version: 1 } },
  { type: 'JourneyVersionWentLive', data: { journeyId, version: 1 } },
];
const report = (
  partition: number,
  partitions: number,
  a: [number, number],
  b: [number, number],
): Extract<JourneyCommand, { type: 'ReportExperiment' }> => ({
  type: 'ReportExperiment',
  version: 1,
  stepId: 'ab',
  partition,
  partitions,
  branches: [
    { assigned: a[0], converted: a[1] },
    { assigned: b[0], converted: b[1] },
  ],
});
const reported = (partition: number, partitions: number, a: [number, number], b: [number, number]): JourneyEvent => {
  const { branches } = report(partition, partitions, a, b);
  return {
    type: 'ExperimentFiguresReported',
    data: { journeyId, version: 1, stepId: 'ab', partition, partitions, branches },
  };
};

describe('journey decider: experiments', () => {
  it('given one partition, when it reports, then the experiment concludes with its figures', () => {
    const [event] = spec(...live)
      .when(report(0, 1, [1000, 200], [1000, 250]))
      .events();
    expect(event).toMatchObject({
      type: 'ExperimentConcluded',
      data: {
        journeyId,
        version: 1,
        stepId: 'ab',
        metric: { type: 'trigger', trigger: 'purchased', within: 'P1D' },
        branches: [
          { branch: 0, next: 'a', assigned: 1000, converted: 200, rate: 0.2 },
          { branch: 1, next: null, assigned: 1000, converted: 250, rate: 0.25 },
        ],
        winner: 1,
        result: 'winner',
      },
    });
  });

  it('given two partitions, when the first reports, then only its figures are stored', () => {
    spec(...live)
      .when(report(1, 2, [500, 100], [500, 125]))
      .then([
        {
          type: 'ExperimentFiguresReported',
          data: {
            journeyId,
            version: 1,
            stepId: 'ab',
            partition: 1,
            partitions: 2,
            branches: [
              { assigned: 500, converted: 100 },
              { assigned: 500, converted: 125 },
            ],
          },
        },
      ]);
  });

  it('given one of two partitions reported, when the other reports, then the sums conclude it', () => {
    const events = spec(...live, reported(1, 2, [500, 100], [500, 125]))
      .when(report(0, 2, [500, 100], [500, 125]))
      .events();
    expect(events.map((e) => e.type)).toEqual(['ExperimentFiguresReported', 'ExperimentConcluded']);
    expect(events[1].data).toMatchObject({
      branches: [
        { assigned: 1000, converted: 200 },
        { assigned: 1000, converted: 250 },
      ],
      winner: 1,
    });
  });

  it('given a partition already reported, when it reports again, then nothing is stored', () => {
    spec(...live, reported(1, 2, [5, 1], [5, 2]))
      .when(report(1, 2, [9, 1], [9, 2]))
      .then([]);
  });

  it('given a concluded experiment, when a partition reports, then nothing is stored', () => {
    const concluded = spec(...live)
      .when(report(0, 1, [1000, 200], [1000, 250]))
      .events();
    spec(...live, ...concluded)
      .when(report(0, 1, [1, 1], [1, 0]))
      .then([]);
  });

  it('given a split that is no experiment, or a stopped version, when a report comes, then it is ignored', () => {
    spec(...live)
      .when({ ...report(0, 1, [1, 1], [1, 0]), stepId: 'plain' })
      .then([]);
    spec(...live, { type: 'JourneyVersionStopRequested', data: { journeyId, version: 1 } })
      .when(report(0, 1, [1000, 200], [1000, 250]))
      .then([]);
  });

  it('keeps the conclusion in the version: winner and result', () => {
    const concluded = spec(...live)
      .when(report(0, 1, [1000, 200], [1000, 250]))
      .events();
    const state = spec(...live, ...concluded).state;
    expect(state.status === 'present' && state.versions[0].experiments).toEqual({
      ab: { conclusion: { winner: 1, result: 'winner' } },
    });
  });
});
