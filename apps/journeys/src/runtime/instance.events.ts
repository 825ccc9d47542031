import type { Channel, ScalarValue } from '@journeys/definition';

/**
 * Customer-progress events of one instance (stream `instance-<instanceId>`), CONTRACT section 5.
 * An instance is one customer's run through one journey version: `<journeyId>_<version>_<customerId>_<entry>`.
 */
export type InstanceEvent =
  | CustomerEntered
  | StepEntered
  | ActionRequested
  | ActionCancelled
  | SendSkipped
  | SendHeld
  | WaitScheduled
  | WaitElapsed
  | TriggerMatched
  | TriggerWaitTimedOut
  | BranchTaken
  | SplitAssigned
  | TriggerActivated
  | GoalReached
  | CustomerExited
  | CustomerCompleted
  | CustomerRemoved
  | CustomerHeld
  | ExperimentConverted;

interface Event<Type extends string, Data> {
  type: Type;
  data: Data;
}

/** Every progress event names its instance; `at` is the logical time the engine decided it. */
export interface InstanceRef {
  instanceId: string;
  journeyId: string;
  version: number;
  customerId: string;
  entry: number;
  at: string;
}

export type CustomerEntered = Event<
  'CustomerEntered',
  InstanceRef & {
    /** The trigger message that started a trigger-based instance. */
    trigger?: { id: string; name: string; attributes: Record<string, unknown> };
    bindingId?: string;
    /** The segment that enrolled a segment-based instance. */
    segmentId?: string;
  }
>;
export type StepEntered = Event<'StepEntered', InstanceRef & { stepId: string; stepType: string }>;
export type ActionRequested = Event<
  'ActionRequested',
  InstanceRef & {
    /** Stable across redelivery: `<instanceId>:<stepId>`; `<instanceId>:<stepId>:<n>` when a loop sends from the step again. */
    actionId: string;
    stepId: string;
    channel: Channel;
    content: string;
    attributes: Record<string, unknown>;
    /** Not handed out after this time. */
    expiresAt?: string;
    /** The step's consent topic. */
    topic?: string;
    /** Present (true) when the send needed no consent and was neither capped nor held. */
    transactional?: true;
  }
>;
/**
 * A message no reader was handed, withdrawn: its version was stopped (`versionStopped`; a message held
 * by quiet hours too), or it was not handed out before it expired (`Expired`: held by quiet hours, or
 * waiting in the actions output).
 */
export type ActionCancelled = Event<
  'ActionCancelled',
  InstanceRef & { actionId: string; stepId: string; reason: ActionCancelReason }
>;
export type ActionCancelReason = 'versionStopped' | 'Expired';
/** A delivery control stopped a send (rules/delivery.ts); the customer went on. */
export type SendSkipped = Event<
  'SendSkipped',
  InstanceRef & {
    stepId: string;
    /** The id the message would have had. */
    actionId: string;
    channel: Channel;
    topic?: string;
    reason: SendSkipReason;
  }
>;
export type SendSkipReason = 'NoConsent' | 'FrequencyCapped' | 'QuietHours';
/**
 * A send fell inside quiet hours: the customer waits at the step with it until `until` (or until
 * `expiresAt`, when that comes first), then the send is decided again.
 */
export type SendHeld = Event<
  'SendHeld',
  InstanceRef & {
    stepId: string;
    actionId: string;
    timerId: string;
    channel: Channel;
    until: string;
    expiresAt?: string;
    reason: 'QuietHours';
  }
>;
export type WaitScheduled = Event<
  'WaitScheduled',
  InstanceRef & {
    stepId: string;
    timerId: string;
    dueAt: string;
    /** `wait`: a plain timer; `trigger`: a waitForTrigger step whose `within` ends at dueAt. */
    kind: 'wait' | 'trigger';
  }
>;
export type WaitElapsed = Event<'WaitElapsed', InstanceRef & { stepId: string; timerId: string }>;
export type TriggerMatched = Event<
  'TriggerMatched',
  InstanceRef & {
    stepId: string;
    triggerId: string;
    trigger: string;
    attributes: Record<string, unknown>;
    /** Present when a journey raised the trigger: see {@link TriggerActivated}'s `chain`. */
    chain?: number;
  }
>;
export type TriggerWaitTimedOut = Event<'TriggerWaitTimedOut', InstanceRef & { stepId: string; timerId: string }>;
export type BranchTaken = Event<
  'BranchTaken',
  InstanceRef & { stepId: string; branch: number | 'otherwise'; next: string | null }
>;
/**
 * `next` is null for a branch without a successor (a hold-out group), which completes the journey.
 * `assignment`, on a split that is an experiment: `experiment` (assigned by it, counted in its
 * figures), `winner` (sent down the experiment's winner), `sticky` (kept the branch the customer was
 * assigned before the experiment concluded).
 */
export type SplitAssigned = Event<
  'SplitAssigned',
  InstanceRef & { stepId: string; branch: number; next: string | null; assignment?: SplitAssignment }
>;
export type SplitAssignment = 'experiment' | 'winner' | 'sticky';
/**
 * A customer the experiment at `stepId` assigned to `branch` converted: reached the journey's goal, or
 * raised the metric's trigger (`triggerId`), within the metric's window after the assignment.
 */
export type ExperimentConverted = Event<
  'ExperimentConverted',
  InstanceRef & { stepId: string; branch: number; triggerId: string }
>;
export type TriggerActivated = Event<
  'TriggerActivated',
  InstanceRef & {
    stepId: string;
    /** Id of the trigger message this raises, stable across re-decisions: `<instanceId>:<stepId>:<n>`, n = steps entered so far. */
    triggerId: string;
    trigger: string;
    attributes: Record<string, ScalarValue>;
    /**
     * How many raised triggers led here one after another with no time passing, this one included
     * (1 when the decision was caused by a timer, a segment change or a trigger from outside).
     */
    chain: number;
  }
>;
export type GoalReached = Event<'GoalReached', InstanceRef & { trigger: string; triggerId: string }>;
/**
 * `loopLimit`: the engine stopped a customer going round without time passing (see
 * `runtime/loop-guard.ts`), either through one journey's steps or through triggers raised between journeys.
 */
export type ExitReason = 'exitStep' | 'exitTrigger' | 'exitSegment' | 'loopLimit';
export type CustomerExited = Event<'CustomerExited', InstanceRef & { reason: ExitReason; stepId?: string }>;
export type CustomerCompleted = Event<'CustomerCompleted', InstanceRef & { stepId: string }>;
export type CustomerRemoved = Event<'CustomerRemoved', InstanceRef & { reason: 'versionStopped' }>;

/**
 * The customer was about to enter `stepId` while the version is paused: they stay before it, and go
 * on from it (StepEntered) once the version is Live again, in the order they were held.
 */
export type CustomerHeld = Event<'CustomerHeld', InstanceRef & { stepId: string; reason: 'paused' }>;

/**
 * Why a customer did not enter (CustomerEntryBlocked, stored in the customer's stream); `paused`:
 * the version is paused; `rateLimited`: its entry limit has no free slot within one period.
 */
export type EntryBlockedReason =
  'unmetCondition' | 'excluded' | 'reentryBlocked' | 'notStarted' | 'ended' | 'paused' | 'rateLimited';

/**
 * A trigger (or a dynamic segment join) would enter the customer, but the version's entry limit has
 * no free slot now: they enter at `enterAt`, their slot (stored in the customer's stream).
 */
export type CustomerEntryDelayed = Event<
  'CustomerEntryDelayed',
  {
    journeyId: string;
    version: number;
    customerId: string;
    reason: 'rateLimited';
    triggerId?: string;
    segmentId?: string;
    enterAt: string;
    at: string;
  }
>;

export type CustomerEntryBlocked = Event<
  'CustomerEntryBlocked',
  { journeyId: string; version: number; customerId: string; reason: EntryBlockedReason; triggerId?: string; at: string }
>;

export const INSTANCE_CATEGORY = 'instance';
export const INSTANCE_EVENT_TYPES: ReadonlySet<string> = new Set<InstanceEvent['type']>([
  'CustomerEntered',
  'StepEntered',
  'ActionRequested',
  'ActionCancelled',
  'SendSkipped',
  'SendHeld',
  'WaitScheduled',
  'WaitElapsed',
  'TriggerMatched',
  'TriggerWaitTimedOut',
  'BranchTaken',
  'SplitAssigned',
  'TriggerActivated',
  'GoalReached',
  'CustomerExited',
  'CustomerCompleted',
  'CustomerRemoved',
  'CustomerHeld',
  'ExperimentConverted',
]);

export function instanceId(journeyId: string, version: number, customerId: string, entry: number): string {
  return `${journeyId}_${version}_${customerId}_${entry}`;
}
