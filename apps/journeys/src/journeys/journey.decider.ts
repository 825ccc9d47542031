import type { DefinitionProblem, JourneyDefinition } from '@journeys/definition';
import { ActionNotAllowed } from '../common/errors';
import { summarizeDraftChanges } from './draft-changes';
import type { CompletingReason, JourneyAction, JourneyCopied, JourneyEvent, PartitionWork } from './journey.events';
import {
  decideExperiment,
  evolveExperiment,
  type ExperimentState,
  type ReportExperiment,
} from './journey-experiment.decider';
import { acknowledge, COMPLETES_ON_RESUME } from './journey-partitions.decider';
import { decidePause, evolvePause, type PauseCommand, type VersionPause } from './journey-pause.decider';

/**
 * The journey life cycle (CONTRACT section 2) in one place: `decide(command, state) -> events`,
 * `evolve(state, event) -> state`. Pure: ids, names already checked for uniqueness, publish
 * validation results and the clock come in with the command.
 */

export type VersionState =
  'Draft' | 'Publishing' | 'Live' | 'Paused' | 'Completing' | 'Completed' | 'Stopping' | 'Stopped';
export type DisplayState = VersionState | 'Live, editing' | 'Paused, editing';

export interface JourneyVersion {
  version: number;
  state: VersionState;
  definition: JourneyDefinition;
  validationErrors: DefinitionProblem[];
  /** The engine partitions that have done each kind of work for this version (see PartitionWork). */
  partitionsDone?: Partial<Record<PartitionWork, number[]>>;
  /** While Paused: since when, and how the pause ends by itself. */
  pause?: VersionPause;
  /** Every partition finished the version's segment enrolment while it was Paused: it completes on resume. */
  completeOnResume?: CompletingReason;
  /** The experiments of the version's split steps, by step id: partitions' reports and the conclusion. */
  experiments?: Record<string, ExperimentState>;
}

export type JourneyState =
  | { status: 'absent' }
  | {
      status: 'present';
      journeyId: string;
      name: string;
      versions: JourneyVersion[];
      /** Highest version number ever created; a discarded draft's number is not reused. */
      lastVersion: number;
    };

export const initialState = (): JourneyState => ({ status: 'absent' });

export type JourneyCommand =
  | { type: 'CreateJourney'; journeyId: string; definition: JourneyDefinition }
  | { type: 'UpdateDraft'; definition: JourneyDefinition }
  | { type: 'PublishJourney'; validationErrors: DefinitionProblem[] }
  | { type: 'EditJourney' }
  | { type: 'DiscardDraft' }
  | { type: 'StopVersion'; version: number }
  /** Automatic moves, appended by the runtime. */
  | { type: 'CompleteVersion'; version: number; reason: CompletingReason }
  | { type: 'MarkVersionCompleted'; version: number }
  | { type: 'MarkVersionStopped'; version: number }
  /** One of `partitions` engine partitions has done a version's work; the last one moves the version on. */
  | { type: 'AcknowledgePartition'; version: number; partition: number; partitions: number; work: PartitionWork }
  /** Pause and resume a version (journey-pause.decider.ts). */
  | PauseCommand
  /** A partition's figures of an experiment (journey-experiment.decider.ts). */
  | ReportExperiment;

/** User actions each displayed state allows (CONTRACT section 2); saving as a template is always allowed. */
export const ALLOWED_ACTIONS: Record<DisplayState, readonly JourneyAction[]> = {
  Draft: ['update', 'publish', 'copy', 'saveAsTemplate'],
  Publishing: ['saveAsTemplate'],
  Live: ['edit', 'pause', 'stop', 'copy', 'saveAsTemplate'],
  'Live, editing': ['update', 'publish', 'discard', 'pause', 'stop', 'saveAsTemplate'],
  Paused: ['edit', 'resume', 'stop', 'copy', 'saveAsTemplate'],
  'Paused, editing': ['update', 'publish', 'discard', 'resume', 'stop', 'saveAsTemplate'],
  Completing: ['stop', 'copy', 'saveAsTemplate'],
  Completed: ['copy', 'saveAsTemplate'],
  Stopping: ['saveAsTemplate'],
  Stopped: ['copy', 'saveAsTemplate'],
};

export function newestVersion(state: Extract<JourneyState, { status: 'present' }>): JourneyVersion {
  return state.versions[state.versions.length - 1];
}

/** The newest version's state, or `Live, editing` while a Live version has a newer Draft. */
export function displayState(state: Extract<JourneyState, { status: 'present' }>): DisplayState {
  const newest = newestVersion(state);
  if (newest.state === 'Draft' && state.versions.some((v) => v.state === 'Live')) return 'Live, editing';
  if (newest.state === 'Draft' && state.versions.some((v) => v.state === 'Paused')) return 'Paused, editing';
  return newest.state;
}

export function allowedActions(state: JourneyState): readonly JourneyAction[] {
  return state.status === 'present' ? ALLOWED_ACTIONS[displayState(state)] : ['create'];
}

/** Throws the 409 every refused action gets, naming the actions the state allows. */
export function assertAllowed(
  state: JourneyState,
  action: JourneyAction,
): asserts state is Extract<JourneyState, { status: 'present' }> {
  if (state.status === 'absent') {
    throw new ActionNotAllowed('JOURNEY_NOT_FOUND', `Journey does not exist; cannot ${action}`);
  }
  const allowed = ALLOWED_ACTIONS[displayState(state)];
  if (!allowed.includes(action)) {
    throw new ActionNotAllowed(
      'ACTION_NOT_ALLOWED',
      `Cannot ${action} a journey in state ${displayState(state)}; allowed: ${allowed.join(', ') || 'none'}`,
      [{ state: displayState(state), allowedActions: allowed }],
    );
  }
}

const ACTION_OF: Partial<Record<JourneyCommand['type'], JourneyAction>> = {
  CreateJourney: 'create',
  UpdateDraft: 'update',
  PublishJourney: 'publish',
  EditJourney: 'edit',
  DiscardDraft: 'discard',
  StopVersion: 'stop',
  PauseVersion: 'pause',
  ResumeVersion: 'resume',
};

/** The user action a command stands for (automatic moves have none). */
export function actionOf(command: JourneyCommand): JourneyAction | undefined {
  return ACTION_OF[command.type];
}

export function decide(command: JourneyCommand, state: JourneyState): JourneyEvent[] {
  switch (command.type) {
    case 'CreateJourney': {
      if (state.status === 'present') {
        throw new ActionNotAllowed('JOURNEY_EXISTS', `Journey ${state.journeyId} already exists`);
      }
      const { journeyId, definition } = command;
      return [{ type: 'JourneyCreated', data: { journeyId, name: definition.name, definition } }];
    }
    case 'UpdateDraft': {
      assertAllowed(state, 'update');
      const draft = newestVersion(state);
      return [
        {
          type: 'JourneyDraftUpdated',
          data: {
            journeyId: state.journeyId,
            version: draft.version,
            definition: command.definition,
            changes: summarizeDraftChanges(draft.definition, command.definition),
          },
        },
      ];
    }
    case 'PublishJourney': {
      assertAllowed(state, 'publish');
      const { journeyId } = state;
      const draft = newestVersion(state);
      const requested: JourneyEvent = { type: 'JourneyPublishRequested', data: { journeyId, version: draft.version } };
      if (command.validationErrors.length) {
        return [
          requested,
          {
            type: 'JourneyPublishRejected',
            data: { journeyId, version: draft.version, validationErrors: command.validationErrors },
          },
        ];
      }
      // A newer version supersedes the Live one, or the Paused one (its pause ends: customers inside finish).
      const superseded: JourneyEvent[] = state.versions
        .filter((v) => v.state === 'Live' || v.state === 'Paused')
        .map((v) => ({
          type: 'JourneyVersionCompleting',
          data: { journeyId, version: v.version, reason: 'newerVersionPublished' },
        }));
      return [
        requested,
        ...superseded,
        { type: 'JourneyVersionWentLive', data: { journeyId, version: draft.version } },
      ];
    }
    case 'EditJourney': {
      assertAllowed(state, 'edit');
      const live = newestVersion(state);
      return [
        {
          type: 'JourneyEditStarted',
          data: {
            journeyId: state.journeyId,
            version: state.lastVersion + 1,
            basedOn: live.version,
            definition: live.definition,
          },
        },
      ];
    }
    case 'DiscardDraft': {
      assertAllowed(state, 'discard');
      return [
        { type: 'JourneyDraftDiscarded', data: { journeyId: state.journeyId, version: newestVersion(state).version } },
      ];
    }
    case 'StopVersion': {
      assertAllowed(state, 'stop');
      const target = versionOrThrow(state, command.version);
      if (target.state !== 'Live' && target.state !== 'Completing' && target.state !== 'Paused') {
        throw new ActionNotAllowed(
          'ACTION_NOT_ALLOWED',
          `Cannot stop version ${target.version} in state ${target.state}; only a Live, Paused or Completing version can be stopped`,
          [{ version: target.version, state: target.state, allowedActions: [] }],
        );
      }
      return [{ type: 'JourneyVersionStopRequested', data: { journeyId: state.journeyId, version: target.version } }];
    }
    case 'CompleteVersion': {
      const target = presentVersion(state, command.version);
      if (target.state !== 'Live') return [];
      return [
        {
          type: 'JourneyVersionCompleting',
          data: { journeyId: target.journeyId, version: target.version, reason: command.reason },
        },
      ];
    }
    case 'MarkVersionCompleted': {
      const target = presentVersion(state, command.version);
      if (target.state !== 'Completing') return [];
      return [{ type: 'JourneyVersionCompleted', data: { journeyId: target.journeyId, version: target.version } }];
    }
    case 'MarkVersionStopped': {
      const target = presentVersion(state, command.version);
      if (target.state !== 'Stopping') return [];
      return [{ type: 'JourneyVersionStopped', data: { journeyId: target.journeyId, version: target.version } }];
    }
    case 'AcknowledgePartition': {
      const { events, move } = acknowledge(presentVersion(state, command.version), command);
      return move ? [...events, ...decide(move, state)] : events;
    }
    case 'PauseVersion':
    case 'ResumeVersion':
    case 'EndPause':
      return decidePause(command, state);
    case 'ReportExperiment':
      return decideExperiment(command, state);
    default:
      return unreachable(command);
  }
}

/** A copy is a new journey (its own stream) in Draft, made from any version of this one. */
export function decideCopy(
  state: JourneyState,
  command: { newJourneyId: string; name: string; version?: number },
): JourneyCopied {
  assertAllowed(state, 'copy');
  const source = command.version === undefined ? newestVersion(state) : versionOrThrow(state, command.version);
  return {
    type: 'JourneyCopied',
    data: {
      journeyId: command.newJourneyId,
      name: command.name,
      definition: { ...source.definition, name: command.name },
      source: { journeyId: state.journeyId, version: source.version },
    },
  };
}

/** The version a template is saved from: any version, in any state. */
export function templateSource(state: JourneyState, version?: number): JourneyVersion & { journeyId: string } {
  assertAllowed(state, 'saveAsTemplate');
  const source = version === undefined ? newestVersion(state) : versionOrThrow(state, version);
  return { ...source, journeyId: state.journeyId };
}

export function evolve(state: JourneyState, event: JourneyEvent): JourneyState {
  switch (event.type) {
    case 'JourneyCreated':
    case 'JourneyCopied':
    case 'JourneyCreatedFromTemplate':
      return {
        status: 'present',
        journeyId: event.data.journeyId,
        name: event.data.name,
        versions: [{ version: 1, state: 'Draft', definition: event.data.definition, validationErrors: [] }],
        lastVersion: 1,
      };
    case 'JourneyDraftUpdated':
      return withVersion(
        state,
        event.data.version,
        () => ({
          definition: event.data.definition,
          validationErrors: [],
        }),
        event.data.definition.name,
      );
    case 'JourneyPublishRequested':
      return withVersion(state, event.data.version, () => ({ state: 'Publishing', validationErrors: [] }));
    case 'JourneyPublishRejected':
      return withVersion(state, event.data.version, () => ({
        state: 'Draft',
        validationErrors: event.data.validationErrors,
      }));
    case 'JourneyVersionWentLive':
      return withVersion(state, event.data.version, () => ({ state: 'Live' }));
    case 'JourneyEditStarted': {
      if (state.status !== 'present') return state;
      const draft: JourneyVersion = {
        version: event.data.version,
        state: 'Draft',
        definition: event.data.definition,
        validationErrors: [],
      };
      return { ...state, versions: [...state.versions, draft], lastVersion: event.data.version };
    }
    case 'JourneyDraftDiscarded': {
      if (state.status !== 'present') return state;
      const versions = state.versions.filter((v) => v.version !== event.data.version);
      return { ...state, versions, name: versions[versions.length - 1].definition.name };
    }
    case 'JourneyVersionCompleting':
      return withVersion(state, event.data.version, () => ({ state: 'Completing', pause: undefined }));
    case 'JourneyVersionCompleted':
      return withVersion(state, event.data.version, () => ({ state: 'Completed' }));
    case 'JourneyVersionStopRequested':
      return withVersion(state, event.data.version, () => ({ state: 'Stopping', pause: undefined }));
    case 'JourneyVersionStopped':
      return withVersion(state, event.data.version, () => ({ state: 'Stopped' }));
    case 'JourneyVersionPartitionDone': {
      const { version, work, partition, partitions } = event.data;
      return withVersion(state, version, (v) => {
        const done = [...(v.partitionsDone?.[work] ?? []), partition];
        const pending =
          v.state === 'Paused' && new Set(done).size >= partitions ? COMPLETES_ON_RESUME[work] : undefined;
        return { partitionsDone: { ...v.partitionsDone, [work]: done }, ...(pending && { completeOnResume: pending }) };
      });
    }
    case 'JourneyVersionPaused':
    case 'JourneyVersionResumed':
      return evolvePause(state, event);
    case 'ExperimentFiguresReported':
    case 'ExperimentConcluded':
      return evolveExperiment(state, event);
    default:
      return unreachable(event);
  }
}

export function fold(events: Iterable<JourneyEvent>, state: JourneyState = initialState()): JourneyState {
  let current = state;
  for (const event of events) current = evolve(current, event);
  return current;
}

export function withVersion(
  state: JourneyState,
  version: number,
  change: (v: JourneyVersion) => Partial<JourneyVersion>,
  name?: string,
): JourneyState {
  if (state.status !== 'present') return state;
  return {
    ...state,
    name: name ?? state.name,
    versions: state.versions.map((v) => (v.version === version ? { ...v, ...change(v) } : v)),
  };
}

export function versionOrThrow(state: Extract<JourneyState, { status: 'present' }>, version: number): JourneyVersion {
  const found = state.versions.find((v) => v.version === version);
  if (!found) throw new ActionNotAllowed('VERSION_NOT_FOUND', `Journey ${state.journeyId} has no version ${version}`);
  return found;
}

export function presentVersion(state: JourneyState, version: number): JourneyVersion & { journeyId: string } {
  if (state.status !== 'present') throw new ActionNotAllowed('JOURNEY_NOT_FOUND', 'Journey does not exist');
  return { ...versionOrThrow(state, version), journeyId: state.journeyId };
}

function unreachable(value: never): never {
  throw new Error(`Unhandled ${JSON.stringify(value)}`);
}
