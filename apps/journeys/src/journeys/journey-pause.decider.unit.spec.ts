import type { JourneyDefinition } from '@journeys/definition';
import { deciderSpec } from '@journeys/testing/decider-spec';
import {
  ALLOWED_ACTIONS,
  decide,
  displayState,
  evolve,
  initialState,
  type JourneyCommand,
  type JourneyState,
} from './journey.decider';
import type { JourneyEvent } from './journey.events';

const spec = deciderSpec<JourneyCommand, JourneyEvent, JourneyState>({ decide, evolve, initialState });
const journeyId = 'j1';
const definition = (pause?: JourneyDefinition['pause']): JourneyDefinition => ({
  name: 'Welcome',
  audience: { type: 'segment', segments: ['loyalty'] },
  schedule: { timeZone: 'Europe/Paris' },
  ...(pause && { pause }),
  steps: [{ id: 's1', type: 'send', channel: 'email', content: 'hi' }],
});
const PAUSED_AT = '2026-03-10T09:00:00.000Z';

const created = (d = definition()): JourneyEvent => ({
  type: 'JourneyCreated',
  data: { journeyId, name: 'Welcome', definition: d },
});
const live = (d = definition()): JourneyEvent[] => [
  created(d),
  { type: 'JourneyPublishRequested', data: { journeyId, version: 1 } },
  { type: 'JourneyVersionWentLive', data: { journeyId, version: 1 } },
];
const paused = (endsAt = '2026-03-31T09:00:00.000Z', whenExceeded: 'resume' | 'stop' = 'resume'): JourneyEvent => ({
  type: 'JourneyVersionPaused',
  data: { journeyId, version: 1, pausedAt: PAUSED_AT, endsAt, whenExceeded },
});
const resumed = (reason: 'resumed' | 'maxPauseReached'): JourneyEvent => ({
  type: 'JourneyVersionResumed',
  data: { journeyId, version: 1, reason },
});
const editStarted: JourneyEvent = {
  type: 'JourneyEditStarted',
  data: { journeyId, version: 2, basedOn: 1, definition: definition() },
};
const present = (events: JourneyEvent[]) => {
  const state = spec(...events).state;
  if (state.status !== 'present') throw new Error('absent');
  return state;
};

describe('journey decider: pause and resume', () => {
  it('given a Live version, when it is paused, then it is Paused until pausedAt + the default maximum (P21D)', () => {
    spec(...live())
      .when({ type: 'PauseVersion', version: 1, at: PAUSED_AT })
      .then([paused()]);
    expect(displayState(present([...live(), paused()]))).toBe('Paused');
  });

  it('given a definition with pause rules, when paused, then the end follows maxDuration in the journey zone', () => {
    // P1M from 10 March 09:00 UTC is 10 April, the same wall-clock time in Paris (one hour earlier in UTC after DST).
    spec(...live(definition({ maxDuration: 'P1M', whenExceeded: 'stop' })))
      .when({ type: 'PauseVersion', version: 1, at: PAUSED_AT })
      .then([paused('2026-04-10T08:00:00.000Z', 'stop')]);
  });

  it('given a Live version with a newer draft, when it is paused, then the journey is "Paused, editing"', () => {
    const events = [...live(), editStarted];
    spec(...events)
      .when({ type: 'PauseVersion', version: 1, at: PAUSED_AT })
      .then([paused()]);
    expect(displayState(present([...events, paused()]))).toBe('Paused, editing');
  });

  it('given a Paused version, when it is paused again, then it is refused with the allowed actions', () => {
    spec(...live(), paused())
      .when({ type: 'PauseVersion', version: 1, at: PAUSED_AT })
      .thenThrows({
        code: 'ACTION_NOT_ALLOWED',
        details: [{ state: 'Paused', allowedActions: ALLOWED_ACTIONS.Paused }],
      });
  });

  it('given a Completing version beside a Live one, when the Completing one is paused, then it is refused', () => {
    const twoVersions = [
      ...live(),
      editStarted,
      { type: 'JourneyPublishRequested', data: { journeyId, version: 2 } } as JourneyEvent,
      {
        type: 'JourneyVersionCompleting',
        data: { journeyId, version: 1, reason: 'newerVersionPublished' },
      } as JourneyEvent,
      { type: 'JourneyVersionWentLive', data: { journeyId, version: 2 } } as JourneyEvent,
    ];
    spec(...twoVersions)
      .when({ type: 'PauseVersion', version: 1, at: PAUSED_AT })
      .thenThrows({ code: 'ACTION_NOT_ALLOWED', details: [{ version: 1, state: 'Completing' }] });
  });

  it('given a Paused version, when it is resumed, then it is Live again', () => {
    spec(...live(), paused())
      .when({ type: 'ResumeVersion', version: 1 })
      .then([resumed('resumed')]);
    expect(displayState(present([...live(), paused(), resumed('resumed')]))).toBe('Live');
  });

  it('given a Live version, when it is resumed, then it is refused', () => {
    spec(...live())
      .when({ type: 'ResumeVersion', version: 1 })
      .thenThrows({ code: 'ACTION_NOT_ALLOWED', details: [{ state: 'Live' }] });
  });

  it('given a Paused version, when it is stopped, then it is Stopping', () => {
    spec(...live(), paused())
      .when({ type: 'StopVersion', version: 1 })
      .then([{ type: 'JourneyVersionStopRequested', data: { journeyId, version: 1 } }]);
  });

  it('given a Paused version with a newer draft, when the draft is published, then the Paused one moves to Completing', () => {
    spec(...live(), paused(), editStarted)
      .when({ type: 'PublishJourney', validationErrors: [] })
      .then([
        { type: 'JourneyPublishRequested', data: { journeyId, version: 2 } },
        { type: 'JourneyVersionCompleting', data: { journeyId, version: 1, reason: 'newerVersionPublished' } },
        { type: 'JourneyVersionWentLive', data: { journeyId, version: 2 } },
      ]);
  });

  describe('a pause that reaches its maximum', () => {
    const END = '2026-03-31T09:00:00.000Z';
    it('given a pause ending at END, when the end is asked for before END, then nothing happens', () => {
      spec(...live(), paused(END))
        .when({ type: 'EndPause', version: 1, at: '2026-03-31T08:59:59.999Z' })
        .then([]);
    });
    it('given whenExceeded resume, when END comes, then the version resumes with reason maxPauseReached', () => {
      spec(...live(), paused(END))
        .when({ type: 'EndPause', version: 1, at: END })
        .then([resumed('maxPauseReached')]);
    });
    it('given whenExceeded stop, when END comes, then the version is stopped with reason maxPauseReached', () => {
      spec(...live(), paused(END, 'stop'))
        .when({ type: 'EndPause', version: 1, at: END })
        .then([{ type: 'JourneyVersionStopRequested', data: { journeyId, version: 1, reason: 'maxPauseReached' } }]);
    });
    it('given a pause a user already ended, when END comes, then nothing happens (every partition may ask)', () => {
      spec(...live(), paused(END), resumed('resumed'))
        .when({ type: 'EndPause', version: 1, at: END })
        .then([]);
    });
  });

  describe('a segment enrolment that finishes while paused', () => {
    const enrolled = (partition: number, partitions: number): JourneyEvent => ({
      type: 'JourneyVersionPartitionDone',
      data: { journeyId, version: 1, partition, partitions, work: 'enrolled' },
    });
    it('given one partition, when it finishes while paused, then the acknowledgement is kept and no move is made', () => {
      spec(...live(), paused())
        .when({ type: 'AcknowledgePartition', version: 1, partition: 0, partitions: 1, work: 'enrolled' })
        .then([enrolled(0, 1)]);
    });
    it('given every partition finished while paused, when it resumes, then it moves on to Completing', () => {
      spec(...live(), enrolled(0, 2), paused(), enrolled(1, 2))
        .when({ type: 'ResumeVersion', version: 1 })
        .then([
          resumed('resumed'),
          { type: 'JourneyVersionCompleting', data: { journeyId, version: 1, reason: 'allSegmentMembersEntered' } },
        ]);
    });
    it('given one of two partitions finished while paused, when it resumes, then it is only Live again', () => {
      spec(...live(), paused(), enrolled(1, 2))
        .when({ type: 'ResumeVersion', version: 1 })
        .then([resumed('resumed')]);
    });
  });

  it('the table: pause from Live (and Live, editing), resume from Paused (and Paused, editing)', () => {
    expect(ALLOWED_ACTIONS.Live).toContain('pause');
    expect(ALLOWED_ACTIONS['Live, editing']).toContain('pause');
    expect(ALLOWED_ACTIONS.Paused).toEqual(['edit', 'resume', 'stop', 'copy', 'saveAsTemplate']);
    expect(ALLOWED_ACTIONS['Paused, editing']).toEqual([
      'update',
      'publish',
      'discard',
      'resume',
      'stop',
      'saveAsTemplate',
    ]);
    for (const state of ['Draft', 'Completing', 'Completed', 'Stopping', 'Stopped'] as const) {
      expect(ALLOWED_ACTIONS[state]).not.toContain('pause');
      expect(ALLOWED_ACTIONS[state]).not.toContain('resume');
    }
  });
});
