import type { DefinitionProblem, ExperimentMetric, JourneyDefinition } from '@journeys/definition';
import type { BranchFigures, ExperimentOutcome } from '../runtime/rules/experiment';

/** Life-cycle events of one journey (stream `journey-<id>`); CONTRACT section 5. */
export type JourneyEvent =
  | JourneyCreated
  | JourneyCopied
  | JourneyCreatedFromTemplate
  | JourneyDraftUpdated
  | JourneyPublishRequested
  | JourneyPublishRejected
  | JourneyVersionWentLive
  | JourneyEditStarted
  | JourneyDraftDiscarded
  | JourneyVersionCompleting
  | JourneyVersionCompleted
  | JourneyVersionStopRequested
  | JourneyVersionStopped
  | JourneyVersionPartitionDone
  | JourneyVersionPaused
  | JourneyVersionResumed
  | ExperimentFiguresReported
  | ExperimentConcluded;

interface Event<Type extends string, Data> {
  type: Type;
  data: Data;
}

/** The first event of a journey created from scratch (version 1, Draft). */
export type JourneyCreated = Event<
  'JourneyCreated',
  { journeyId: string; name: string; definition: JourneyDefinition }
>;
/** The first event of a journey copied from a version of another one. */
export type JourneyCopied = Event<
  'JourneyCopied',
  { journeyId: string; name: string; definition: JourneyDefinition; source: { journeyId: string; version: number } }
>;
/** The first event of a journey created from a template (overrides already applied). */
export type JourneyCreatedFromTemplate = Event<
  'JourneyCreatedFromTemplate',
  {
    journeyId: string;
    name: string;
    definition: JourneyDefinition;
    template: { templateId: string; name: string };
    overridden: string[];
  }
>;
export type JourneyDraftUpdated = Event<
  'JourneyDraftUpdated',
  { journeyId: string; version: number; definition: JourneyDefinition; changes: DraftChanges }
>;
export type JourneyPublishRequested = Event<'JourneyPublishRequested', { journeyId: string; version: number }>;
export type JourneyPublishRejected = Event<
  'JourneyPublishRejected',
  { journeyId: string; version: number; validationErrors: DefinitionProblem[] }
>;
export type JourneyVersionWentLive = Event<'JourneyVersionWentLive', { journeyId: string; version: number }>;
export type JourneyEditStarted = Event<
  'JourneyEditStarted',
  { journeyId: string; version: number; basedOn: number; definition: JourneyDefinition }
>;
export type JourneyDraftDiscarded = Event<'JourneyDraftDiscarded', { journeyId: string; version: number }>;
export type JourneyVersionCompleting = Event<
  'JourneyVersionCompleting',
  { journeyId: string; version: number; reason: CompletingReason }
>;
export type JourneyVersionCompleted = Event<'JourneyVersionCompleted', { journeyId: string; version: number }>;
export type JourneyVersionStopRequested = Event<
  'JourneyVersionStopRequested',
  {
    journeyId: string;
    version: number;
    /** Set when the system stopped a version whose pause reached its maximum (`pause.whenExceeded: stop`). */
    reason?: 'maxPauseReached';
  }
>;
export type JourneyVersionStopped = Event<'JourneyVersionStopped', { journeyId: string; version: number }>;

/**
 * Work the engine does in every partition, which moves a version on once every partition has done
 * it: `emptied` (a Completing version has no customer left there), `stopped` (a Stopping version's
 * customers are removed and its backlog cancelled there), `enrolled` (a one-time segment enrolment
 * has entered every member there), `occurrencesRun` (a recurring one has run its last occurrence there).
 */
export type PartitionWork = 'emptied' | 'stopped' | 'enrolled' | 'occurrencesRun';

/** One engine partition has done a version's work; stored only when the engine has more than one. */
export type JourneyVersionPartitionDone = Event<
  'JourneyVersionPartitionDone',
  {
    journeyId: string;
    version: number;
    partition: number;
    /** How many partitions the engine has (JOURNEYS_PARTITIONS): the work is done when all have. */
    partitions: number;
    work: PartitionWork;
  }
>;

/**
 * A Live version was paused: nobody enters and no step runs until it is resumed (docs/life-cycle.md).
 * `endsAt` = `pausedAt` + the definition's `pause.maxDuration`; then the pause ends by itself as
 * `whenExceeded` says.
 */
export type JourneyVersionPaused = Event<
  'JourneyVersionPaused',
  { journeyId: string; version: number; pausedAt: string; endsAt: string; whenExceeded: 'resume' | 'stop' }
>;
/** A paused version is Live again: by a user (`resumed`) or because its pause reached its maximum. */
export type JourneyVersionResumed = Event<
  'JourneyVersionResumed',
  { journeyId: string; version: number; reason: 'resumed' | 'maxPauseReached' }
>;

/**
 * One engine partition's figures of an experiment (a split step's A/B test), per branch in branch
 * order; stored only when the engine has more than one partition. The last one concludes it.
 */
export type ExperimentFiguresReported = Event<
  'ExperimentFiguresReported',
  {
    journeyId: string;
    version: number;
    stepId: string;
    partition: number;
    partitions: number;
    branches: BranchFigures[];
  }
>;

/**
 * An experiment concluded (rules/experiment.ts): every branch's figures (summed over the
 * partitions), each comparison with the best branch, and the winner later customers go down, or
 * none (the split keeps its weights).
 */
export type ExperimentConcluded = Event<
  'ExperimentConcluded',
  { journeyId: string; version: number; stepId: string; metric: ExperimentMetric } & Omit<
    ExperimentOutcome,
    'branches'
  > & {
      branches: (ExperimentOutcome['branches'][number] & { next: string | null })[];
    }
>;

export type CompletingReason =
  'newerVersionPublished' | 'endTimePassed' | 'allSegmentMembersEntered' | 'allOccurrencesRun';

/** What a draft update changed, for the audit history. */
export interface DraftChanges {
  stepsAdded: string[];
  stepsRemoved: string[];
  stepsChanged: string[];
  /** Top-level fields other than steps whose value changed (name, audience, schedule, ...). */
  fieldsChanged: string[];
}

export const JOURNEY_EVENT_TYPES: ReadonlySet<string> = new Set<JourneyEvent['type']>([
  'JourneyCreated',
  'JourneyCopied',
  'JourneyCreatedFromTemplate',
  'JourneyDraftUpdated',
  'JourneyPublishRequested',
  'JourneyPublishRejected',
  'JourneyVersionWentLive',
  'JourneyEditStarted',
  'JourneyDraftDiscarded',
  'JourneyVersionCompleting',
  'JourneyVersionCompleted',
  'JourneyVersionStopRequested',
  'JourneyVersionStopped',
  'JourneyVersionPartitionDone',
  'JourneyVersionPaused',
  'JourneyVersionResumed',
  'ExperimentFiguresReported',
  'ExperimentConcluded',
]);

export const JOURNEY_CATEGORY = 'journey';
/** Refused commands, kept apart so that a refusal never changes the journey's revision (ETag). */
export const JOURNEY_AUDIT_CATEGORY = 'journeyAudit';

/** A command the service refused; stored for the audit history. */
export type JourneyCommandRefused = Event<
  'JourneyCommandRefused',
  {
    journeyId: string;
    action: JourneyAction;
    version?: number;
    error: { code: string; message: string; details: readonly unknown[] };
  }
>;

export type JourneyAction =
  'create' | 'update' | 'publish' | 'edit' | 'discard' | 'stop' | 'copy' | 'saveAsTemplate' | 'pause' | 'resume';
