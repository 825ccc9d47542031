import type { DefinitionProblem, JourneyDefinition } from '@journeys/definition';

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
  | JourneyVersionStopped;

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
export type JourneyVersionStopRequested = Event<'JourneyVersionStopRequested', { journeyId: string; version: number }>;
export type JourneyVersionStopped = Event<'JourneyVersionStopped', { journeyId: string; version: number }>;

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

export type JourneyAction = 'create' | 'update' | 'publish' | 'edit' | 'discard' | 'stop' | 'copy' | 'saveAsTemplate';
