import type { DefinitionProblem, JourneyDefinition } from '@journeys/definition';
import { deciderSpec } from '@journeys/testing/decider-spec';
import {
  ALLOWED_ACTIONS,
  decide,
  decideCopy,
  displayState,
  evolve,
  initialState,
  templateSource,
  type JourneyCommand,
  type JourneyState,
} from './journey.decider';
import type { JourneyEvent } from './journey.events';

const spec = deciderSpec<JourneyCommand, JourneyEvent, JourneyState>({ decide, evolve, initialState });
const journeyId = 'j1';
const definition = (name = 'Welcome', steps = ['s1']): JourneyDefinition =>
  ({
    name,
    audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'never' } },
    steps: steps.map((id) => ({ id, type: 'send', channel: 'email', content: `${id}-content` })),
  }) as JourneyDefinition;
const problem: DefinitionProblem = { code: 'UnknownStep', path: '$.steps[0].next', message: 'no such step' };

const created: JourneyEvent = {
  type: 'JourneyCreated',
  data: { journeyId, name: 'Welcome', definition: definition() },
};
const publishRequested = (version: number): JourneyEvent => ({
  type: 'JourneyPublishRequested',
  data: { journeyId, version },
});
const wentLive = (version: number): JourneyEvent => ({ type: 'JourneyVersionWentLive', data: { journeyId, version } });
const editStarted = (version: number): JourneyEvent => ({
  type: 'JourneyEditStarted',
  data: { journeyId, version, basedOn: version - 1, definition: definition() },
});
const completing = (version: number): JourneyEvent => ({
  type: 'JourneyVersionCompleting',
  data: { journeyId, version, reason: 'newerVersionPublished' },
});
const stopRequested = (version: number): JourneyEvent => ({
  type: 'JourneyVersionStopRequested',
  data: { journeyId, version },
});
const stopped = (version: number): JourneyEvent => ({ type: 'JourneyVersionStopped', data: { journeyId, version } });
const completed = (version: number): JourneyEvent => ({
  type: 'JourneyVersionCompleted',
  data: { journeyId, version },
});

const live = [created, publishRequested(1), wentLive(1)];
const liveEditing = [...live, editStarted(2)];
const twoVersions = [...liveEditing, publishRequested(2), completing(1), wentLive(2)];

const stateOf = (...events: JourneyEvent[]) => {
  const state = spec(...events).state;
  if (state.status !== 'present') throw new Error('absent');
  return state;
};

describe('journey decider', () => {
  describe('create', () => {
    it('creates version 1 as a Draft', () => {
      spec().when({ type: 'CreateJourney', journeyId, definition: definition() }).then([created]);
      expect(displayState(stateOf(created))).toBe('Draft');
    });
    it('refuses to create a journey twice', () => {
      spec(created)
        .when({ type: 'CreateJourney', journeyId, definition: definition() })
        .thenThrows({ code: 'JOURNEY_EXISTS' });
    });
  });

  describe('update draft', () => {
    it('replaces the draft and summarises what changed', () => {
      const next = definition('Welcome 2', ['s1', 's2']);
      spec(created)
        .when({ type: 'UpdateDraft', definition: next })
        .then([
          {
            type: 'JourneyDraftUpdated',
            data: {
              journeyId,
              version: 1,
              definition: next,
              changes: { stepsAdded: ['s2'], stepsRemoved: [], stepsChanged: [], fieldsChanged: ['name'] },
            },
          },
        ]);
    });
    it('updates the newer Draft version while Live, editing', () => {
      const [event] = spec(...liveEditing)
        .when({ type: 'UpdateDraft', definition: definition() })
        .events();
      expect(event).toMatchObject({ type: 'JourneyDraftUpdated', data: { version: 2 } });
    });
    it.each([
      ['Live', live],
      ['Completing', [...live, completing(1)]],
      ['Stopped', [...live, stopRequested(1), stopped(1)]],
    ])('is refused in %s with the allowed actions named', (state, given) => {
      spec(...(given as JourneyEvent[]))
        .when({ type: 'UpdateDraft', definition: definition() })
        .thenThrows({
          code: 'ACTION_NOT_ALLOWED',
          details: [{ state, allowedActions: ALLOWED_ACTIONS[state as keyof typeof ALLOWED_ACTIONS] }],
        });
    });
  });

  describe('publish', () => {
    it('goes through Publishing to Live', () => {
      spec(created)
        .when({ type: 'PublishJourney', validationErrors: [] })
        .then([publishRequested(1), wentLive(1)]);
      expect(displayState(stateOf(...live))).toBe('Live');
    });
    it('goes back to Draft with every validation error', () => {
      const rejected: JourneyEvent = {
        type: 'JourneyPublishRejected',
        data: { journeyId, version: 1, validationErrors: [problem] },
      };
      spec(created)
        .when({ type: 'PublishJourney', validationErrors: [problem] })
        .then([publishRequested(1), rejected]);
      const state = stateOf(created, publishRequested(1), rejected);
      expect(displayState(state)).toBe('Draft');
      expect(state.versions[0].validationErrors).toEqual([problem]);
      expect(displayState(stateOf(created, publishRequested(1)))).toBe('Publishing');
    });
    it('publishing a new version moves the Live one to Completing', () => {
      spec(...liveEditing)
        .when({ type: 'PublishJourney', validationErrors: [] })
        .then([publishRequested(2), completing(1), wentLive(2)]);
      const state = stateOf(...twoVersions);
      expect(state.versions.map((v) => v.state)).toEqual(['Completing', 'Live']);
      expect(displayState(state)).toBe('Live');
    });
    it('is refused while Publishing, Live, Completed, Stopping and Stopped', () => {
      for (const given of [
        [created, publishRequested(1)],
        live,
        [...live, completing(1), completed(1)],
        [...live, stopRequested(1)],
        [...live, stopRequested(1), stopped(1)],
      ]) {
        spec(...given)
          .when({ type: 'PublishJourney', validationErrors: [] })
          .thenThrows({ code: 'ACTION_NOT_ALLOWED' });
      }
    });
  });

  describe('edit and discard', () => {
    it('edit opens a new Draft version beside the Live one', () => {
      spec(...live)
        .when({ type: 'EditJourney' })
        .then([editStarted(2)]);
      expect(displayState(stateOf(...liveEditing))).toBe('Live, editing');
    });
    it('edit is refused in Draft and while already editing', () => {
      spec(created).when({ type: 'EditJourney' }).thenThrows({ code: 'ACTION_NOT_ALLOWED' });
      spec(...liveEditing)
        .when({ type: 'EditJourney' })
        .thenThrows({ code: 'ACTION_NOT_ALLOWED' });
    });
    it('discard drops the newer Draft and the journey is Live again', () => {
      const discarded: JourneyEvent = { type: 'JourneyDraftDiscarded', data: { journeyId, version: 2 } };
      spec(...liveEditing)
        .when({ type: 'DiscardDraft' })
        .then([discarded]);
      const state = stateOf(...liveEditing, discarded);
      expect(displayState(state)).toBe('Live');
      expect(state.versions).toHaveLength(1);
    });
    it('discard is refused unless Live, editing', () => {
      spec(created).when({ type: 'DiscardDraft' }).thenThrows({ code: 'ACTION_NOT_ALLOWED' });
      spec(...live)
        .when({ type: 'DiscardDraft' })
        .thenThrows({ code: 'ACTION_NOT_ALLOWED' });
    });
  });

  describe('stop', () => {
    it('stops a Live version: Stopping, then Stopped once the runtime confirms', () => {
      spec(...live)
        .when({ type: 'StopVersion', version: 1 })
        .then([stopRequested(1)]);
      expect(displayState(stateOf(...live, stopRequested(1)))).toBe('Stopping');
      spec(...live, stopRequested(1))
        .when({ type: 'MarkVersionStopped', version: 1 })
        .then([stopped(1)]);
      expect(displayState(stateOf(...live, stopRequested(1), stopped(1)))).toBe('Stopped');
    });
    it('stops each version separately', () => {
      spec(...twoVersions)
        .when({ type: 'StopVersion', version: 1 })
        .then([stopRequested(1)]);
      const state = stateOf(...twoVersions, stopRequested(1), stopped(1));
      expect(state.versions.map((v) => v.state)).toEqual(['Stopped', 'Live']);
      spec(...twoVersions, stopRequested(1), stopped(1))
        .when({ type: 'StopVersion', version: 2 })
        .then([stopRequested(2)]);
    });
    it('stops the Live version while Live, editing; the draft remains', () => {
      spec(...liveEditing)
        .when({ type: 'StopVersion', version: 1 })
        .then([stopRequested(1)]);
      expect(displayState(stateOf(...liveEditing, stopRequested(1), stopped(1)))).toBe('Draft');
    });
    it('refuses to stop a Draft version, a stopped one, an unknown one, or while Stopping', () => {
      spec(...liveEditing)
        .when({ type: 'StopVersion', version: 2 })
        .thenThrows({ code: 'ACTION_NOT_ALLOWED' });
      spec(...live)
        .when({ type: 'StopVersion', version: 9 })
        .thenThrows({ code: 'VERSION_NOT_FOUND' });
      spec(...live, stopRequested(1))
        .when({ type: 'StopVersion', version: 1 })
        .thenThrows({ code: 'ACTION_NOT_ALLOWED' });
      spec(created).when({ type: 'StopVersion', version: 1 }).thenThrows({ code: 'ACTION_NOT_ALLOWED' });
      spec(...twoVersions, stopRequested(1), stopped(1))
        .when({ type: 'StopVersion', version: 1 })
        .thenThrows({ code: 'ACTION_NOT_ALLOWED', details: [{ version: 1, state: 'Stopped' }] });
    });
  });

  describe('automatic moves', () => {
    it('Live -> Completing -> Completed', () => {
      spec(...live)
        .when({ type: 'CompleteVersion', version: 1, reason: 'endTimePassed' })
        .then([{ type: 'JourneyVersionCompleting', data: { journeyId, version: 1, reason: 'endTimePassed' } }]);
      spec(...live, completing(1))
        .when({ type: 'MarkVersionCompleted', version: 1 })
        .then([completed(1)]);
      expect(displayState(stateOf(...live, completing(1), completed(1)))).toBe('Completed');
    });
    it('are idempotent: repeating a move that already happened appends nothing', () => {
      spec(...live, completing(1))
        .when({ type: 'CompleteVersion', version: 1, reason: 'endTimePassed' })
        .then([]);
      spec(...live, completing(1), completed(1))
        .when({ type: 'MarkVersionCompleted', version: 1 })
        .then([]);
      spec(...live, stopRequested(1), stopped(1))
        .when({ type: 'MarkVersionStopped', version: 1 })
        .then([]);
      spec(...live)
        .when({ type: 'MarkVersionStopped', version: 1 })
        .then([]);
    });
    it('with partitions, moves a version on once every partition has done its work, each counted once', () => {
      const ack = (partition: number, work: 'emptied' | 'stopped' | 'enrolled' = 'emptied'): JourneyCommand => ({
        type: 'AcknowledgePartition',
        version: 1,
        partition,
        partitions: 3,
        work,
      });
      const done = (partition: number, work = 'emptied'): JourneyEvent =>
        ({
          type: 'JourneyVersionPartitionDone',
          data: { journeyId, version: 1, partition, partitions: 3, work },
        }) as JourneyEvent;
      const inside = [...live, completing(1)];
      spec(...inside)
        .when(ack(2))
        .then([done(2)]);
      spec(...inside, done(2))
        .when(ack(2))
        .then([]);
      spec(...inside, done(2), done(0))
        .when(ack(1))
        .then([done(1), completed(1)]);
      // Work that does not apply in the version's state is not recorded.
      spec(...live)
        .when(ack(0))
        .then([]);
      spec(...live, stopRequested(1), done(0, 'stopped'), done(1, 'stopped'))
        .when(ack(2, 'stopped'))
        .then([done(2, 'stopped'), stopped(1)]);
      spec(...live, done(0, 'enrolled'), done(1, 'enrolled'))
        .when(ack(2, 'enrolled'))
        .then([
          done(2, 'enrolled'),
          { type: 'JourneyVersionCompleting', data: { journeyId, version: 1, reason: 'allSegmentMembersEntered' } },
        ]);
    });
    it('with one partition, an acknowledgement is the move alone, as before partitions', () => {
      spec(...live, completing(1))
        .when({ type: 'AcknowledgePartition', version: 1, partition: 0, partitions: 1, work: 'emptied' })
        .then([completed(1)]);
    });
    it('a Completing version can still be stopped', () => {
      spec(...live, completing(1))
        .when({ type: 'StopVersion', version: 1 })
        .then([stopRequested(1)]);
    });
  });

  it('every command on an absent journey except create is refused as not found', () => {
    for (const command of [
      { type: 'UpdateDraft', definition: definition() },
      { type: 'PublishJourney', validationErrors: [] },
      { type: 'EditJourney' },
      { type: 'DiscardDraft' },
      { type: 'StopVersion', version: 1 },
      { type: 'CompleteVersion', version: 1, reason: 'endTimePassed' },
    ] as JourneyCommand[]) {
      spec().when(command).thenThrows({ code: 'JOURNEY_NOT_FOUND' });
    }
  });
});

describe('copy and save as template', () => {
  it('copies any version into a new Draft journey under the new name', () => {
    const state = spec(...twoVersions).state;
    expect(decideCopy(state, { newJourneyId: 'j2', name: 'Copy', version: 1 })).toEqual({
      type: 'JourneyCopied',
      data: {
        journeyId: 'j2',
        name: 'Copy',
        definition: { ...definition(), name: 'Copy' },
        source: { journeyId, version: 1 },
      },
    });
    expect(decideCopy(state, { newJourneyId: 'j2', name: 'Copy' }).data.source.version).toBe(2);
  });
  it('refuses to copy while Live, editing, Publishing or Stopping, and an unknown version', () => {
    for (const given of [liveEditing, [created, publishRequested(1)], [...live, stopRequested(1)]]) {
      expect(() => decideCopy(spec(...given).state, { newJourneyId: 'j2', name: 'Copy' })).toThrow(
        expect.objectContaining({ code: 'ACTION_NOT_ALLOWED' }),
      );
    }
    expect(() => decideCopy(spec(...live).state, { newJourneyId: 'j2', name: 'Copy', version: 3 })).toThrow(
      expect.objectContaining({ code: 'VERSION_NOT_FOUND' }),
    );
  });
  it('saves a template from any version in any state', () => {
    for (const given of [[created], [created, publishRequested(1)], liveEditing, [...live, stopRequested(1)]]) {
      expect(templateSource(spec(...given).state, 1)).toMatchObject({ journeyId, version: 1 });
    }
  });
});

it('a discarded draft version number is not reused by the next edit', () => {
  const discarded: JourneyEvent = { type: 'JourneyDraftDiscarded', data: { journeyId, version: 2 } };
  const [event] = spec(...liveEditing, discarded)
    .when({ type: 'EditJourney' })
    .events();
  expect(event).toMatchObject({ type: 'JourneyEditStarted', data: { version: 3, basedOn: 1 } });
});
