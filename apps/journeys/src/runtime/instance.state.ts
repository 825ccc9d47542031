import type { DeliverySettings, JourneyDefinition } from '@journeys/definition';
import type { ActionCancelReason, InstanceRef } from './instance.events';
import type { CustomerDelivery } from './rules/delivery';
import type { OfferedTrigger } from './steps/wait-for-trigger.step';

/**
 * The instance decider's shapes (instance.decider.ts): an instance's state, the commands it takes,
 * and the context the engine passes into each decision.
 */
export type InstanceStatus = 'active' | 'completed' | 'exited' | 'removed';

/** The timer an active instance is held on; `send`: a send held by quiet hours (SendHeld). */
export interface InstanceWaiting {
  kind: 'wait' | 'trigger' | 'send';
  stepId: string;
  timerId: string;
  dueAt: string;
  /** `send`: the held message's id and expiry. */
  actionId?: string;
  expiresAt?: string;
}

export interface StartedInstanceState {
  status: InstanceStatus;
  ref: Omit<InstanceRef, 'at'>;
  bindingId?: string;
  /** Attributes `trigger.*` reads: the starting trigger's, overlaid by every matched trigger's. */
  trigger: Record<string, unknown>;
  currentStepId?: string;
  waiting?: InstanceWaiting;
  /** send-step id -> actionId of the latest action requested there. */
  actions: Record<string, string>;
  goalReached: boolean;
  endedAt?: string;
  /** StepEntered events so far: the `n` of timer and trigger ids. */
  stepsEntered: number;
  /** The loop guard's count: steps entered at `spinAt` with no trigger from outside since (rules/loop-guard.ts). */
  spinAt?: string;
  spinSteps?: number;
  /** Held before `stepId` while the version is paused (CustomerHeld); goes on when released. */
  held?: { stepId: string; at: string };
  /** Assignments at split steps that are experiments, by step id (SplitAssigned with an assignment). */
  experiments?: Record<string, ExperimentAssignment>;
}

/** Where an experiment put the customer, when, whether it counts in its figures, and whether they converted. */
export interface ExperimentAssignment {
  branch: number;
  at: string;
  counted: boolean;
  converted?: boolean;
}

export type InstanceState = { status: 'new' } | StartedInstanceState;

export const initialState = (): InstanceState => ({ status: 'new' });

/** Everything impure a decision needs, passed in by the engine. */
export interface InstanceContext {
  /** The definition of the instance's version. */
  definition: JourneyDefinition;
  /** The logical time of the decision. */
  now: Date;
  /** What `profile.*` reads. */
  profile: Readonly<Record<string, unknown>>;
  inSegment(segmentId: string): boolean;
  /** What the delivery controls read (rules/delivery.ts); absent: every send goes out, as before they existed. */
  delivery?: { settings: DeliverySettings; customer: CustomerDelivery };
  /** The version is paused: no step runs; a customer about to enter one is held before it (CustomerHeld). */
  paused?: boolean;
  /** The version's concluded experiments by split step id: the winner later customers go down, if any. */
  experiments?: ReadonlyMap<string, { winner: number | null }>;
  /** Whether another instance of the customer in this version was assigned at the split step before. */
  assignedBefore?(stepId: string): boolean;
}

export type InstanceCommand =
  | {
      type: 'Enter';
      ref: Omit<InstanceRef, 'at'>;
      trigger?: { id: string; name: string; attributes: Record<string, unknown> };
      /** Set when the entering trigger was raised by a journey: its chain (rules/loop-guard.ts). */
      chain?: number;
      bindingId?: string;
      segmentId?: string;
    }
  | { type: 'FireTimer'; timerId: string }
  /**
   * A later trigger of the customer, offered to each of their instances whose journey names it. Its
   * effects come in one order, so that none hides another: the goal is counted first, then the
   * customer exits on an exit trigger, else a waiting `waitForTrigger` may match it. All three apply
   * the one correlation rule (rules/correlation.ts).
   */
  | { type: 'OfferTrigger'; trigger: OfferedTrigger }
  | { type: 'Exit'; reason: 'exitTrigger' | 'exitSegment' }
  /** The version was stopped. */
  | { type: 'Remove' }
  /**
   * No reader was handed this action of the instance before its version was stopped, or before it
   * expired: it is withdrawn.
   */
  | { type: 'CancelAction'; actionId: string; stepId: string; reason: ActionCancelReason }
  /** The version is Live again: a held customer goes on from the step they were held before. */
  | { type: 'Release' };
