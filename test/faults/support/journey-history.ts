import type { RecordedEvent } from '@journeys/event-store';
import {
  decide,
  displayState,
  fold,
  initialState,
  type JourneyCommand,
  type JourneyState,
} from '../../../apps/journeys/src/journeys/journey.decider';
import type { JourneyEvent } from '../../../apps/journeys/src/journeys/journey.events';

/** A time after every pause's end. */
const LATER = '9999-12-31T00:00:00Z';

/** The command that produced a group of events, read back from its first event. */
function commandOf(group: readonly JourneyEvent[]): JourneyCommand | undefined {
  const [first] = group;
  switch (first.type) {
    case 'JourneyCreated':
      return { type: 'CreateJourney', journeyId: first.data.journeyId, definition: first.data.definition };
    case 'JourneyCopied':
    case 'JourneyCreatedFromTemplate':
      return undefined;
    case 'JourneyDraftUpdated':
      return { type: 'UpdateDraft', definition: first.data.definition };
    case 'JourneyPublishRequested': {
      const rejected = group.find((e) => e.type === 'JourneyPublishRejected');
      return {
        type: 'PublishJourney',
        validationErrors: rejected?.type === 'JourneyPublishRejected' ? rejected.data.validationErrors : [],
      };
    }
    case 'JourneyEditStarted':
      return { type: 'EditJourney' };
    case 'JourneyDraftDiscarded':
      return { type: 'DiscardDraft' };
    case 'JourneyVersionStopRequested':
      // A stop the system made when a pause reached its maximum: any time after the end decides the same.
      if (first.data.reason === 'maxPauseReached') return { type: 'EndPause', version: first.data.version, at: LATER };
      return { type: 'StopVersion', version: first.data.version };
    case 'ExperimentFiguresReported': {
      const { version, stepId, partition, partitions, branches } = first.data;
      return { type: 'ReportExperiment', version, stepId, partition, partitions, branches };
    }
    case 'ExperimentConcluded':
      // With one partition the figures are not stored: the conclusion carries them all.
      return {
        type: 'ReportExperiment',
        version: first.data.version,
        stepId: first.data.stepId,
        partition: 0,
        partitions: 1,
        branches: first.data.branches.map(({ assigned, converted }) => ({ assigned, converted })),
      };
    case 'JourneyVersionPaused':
      return { type: 'PauseVersion', version: first.data.version, at: first.data.pausedAt };
    case 'JourneyVersionResumed':
      if (first.data.reason === 'maxPauseReached') return { type: 'EndPause', version: first.data.version, at: LATER };
      return { type: 'ResumeVersion', version: first.data.version };
    case 'JourneyVersionCompleting':
      return { type: 'CompleteVersion', version: first.data.version, reason: first.data.reason };
    case 'JourneyVersionCompleted':
      return { type: 'MarkVersionCompleted', version: first.data.version };
    case 'JourneyVersionStopped':
      return { type: 'MarkVersionStopped', version: first.data.version };
    case 'JourneyVersionPartitionDone': {
      const { version, partition, partitions, work } = first.data;
      return { type: 'AcknowledgePartition', version, partition, partitions, work };
    }
    case 'JourneyPublishRejected':
    case 'JourneyVersionWentLive':
      throw new Error(`${first.type} must follow JourneyPublishRequested in the same command`);
    default: {
      const unexpected: never = first;
      throw new Error(`Unknown journey event ${JSON.stringify(unexpected)}`);
    }
  }
}

/** Invariants every reachable state holds, whatever the order of commands. */
function checkInvariants(state: JourneyState, at: string): void {
  if (state.status !== 'present') return;
  const numbers = state.versions.map((v) => v.version);
  if (numbers.some((n, i) => i > 0 && n <= numbers[i - 1])) throw new Error(`${at}: versions out of order ${numbers}`);
  if (state.versions.filter((v) => v.state === 'Live' || v.state === 'Paused').length > 1) {
    throw new Error(`${at}: two Live or Paused versions`);
  }
  const editable = state.versions.filter((v) => v.state === 'Draft' || v.state === 'Publishing');
  if (editable.length > 1 || (editable.length === 1 && editable[0] !== state.versions[state.versions.length - 1])) {
    throw new Error(`${at}: a Draft or Publishing version that is not the newest`);
  }
}

/**
 * Replays a journey stream command by command (events of one command share a correlation id): the
 * decider, given the state before, must accept the command and decide exactly the stored events.
 * Returns the final state and the stream's revision.
 */
export function replayThroughDecider(recorded: readonly RecordedEvent[]): { state: JourneyState; revision: number } {
  let state = initialState();
  let i = 0;
  while (i < recorded.length) {
    const correlationId = (recorded[i].metadata as { correlationId?: string }).correlationId;
    let end = i + 1;
    while (
      end < recorded.length &&
      (recorded[end].metadata as { correlationId?: string }).correlationId === correlationId
    ) {
      end++;
    }
    const group = recorded.slice(i, end).map((e) => ({ type: e.type, data: e.data }) as JourneyEvent);
    const at = `revision ${recorded[i].revision} (${group.map((e) => e.type).join(', ')})`;
    const command = commandOf(group);
    if (command) {
      let decided: JourneyEvent[];
      try {
        decided = decide(command, state);
      } catch (error) {
        throw new Error(`${at}: the decider refuses ${command.type} in this state: ${String(error)}`);
      }
      // Compared as stored (JSON): stored data keeps the key order the decider produced.
      if (JSON.stringify(decided) !== JSON.stringify(group)) {
        throw new Error(`${at}: the decider decides ${JSON.stringify(decided).slice(0, 500)} instead`);
      }
    } else if (state.status !== 'absent') {
      throw new Error(`${at}: a journey's first event after it exists`);
    }
    state = fold(group, state);
    checkInvariants(state, at);
    i = end;
  }
  return { state, revision: recorded.length ? recorded[recorded.length - 1].revision : -1 };
}

/** The journey as `GET /journeys/{id}` shows it, derived from the replayed state. */
export function expectedView(state: JourneyState, revision: number) {
  if (state.status !== 'present') throw new Error('the journey does not exist');
  return {
    id: state.journeyId,
    name: state.name,
    state: displayState(state),
    revision,
    versions: state.versions.map((v) => ({ version: v.version, state: v.state, validationErrors: v.validationErrors })),
  };
}
