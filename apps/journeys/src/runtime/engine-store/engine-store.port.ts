import type { DeliverySettings } from '@journeys/definition';
import type { JourneyState } from '../../journeys/journey.decider';
import type { InstanceState } from '../instance.decider';
import type { CustomerDelivery } from '../rules/delivery';
import type { EnrolmentJob } from '../rules/enrolment';
import type { Profile, Stamp } from '../rules/event-time';

/**
 * The engine's working state, behind one port: instances, the timer index ordered by due time,
 * re-entry counts, segment memberships, profiles, the actions outbox, pending jobs and the engine's
 * checkpoint. It changes only through {@link EngineStore.commit}, which also moves the checkpoint,
 * so a crash replays whole batches. Today's adapter keeps it in the read-model SQLite file; the
 * partitioned engine gives each partition a store of its own.
 */
export interface EngineStore {
  /** The position of the last input the committed state includes (exclusive resume point). */
  checkpoint(): bigint | undefined;
  /** The life-cycle state of every journey, as the engine last committed it. */
  journeys(): JourneyState[];

  instance(instanceId: string): InstanceState | undefined;
  /** The stored instances among the ids (missing ones are left out). */
  instancesById(instanceIds: readonly string[]): InstanceState[];
  instancesOfCustomer(customerId: string): InstanceState[];
  /** Every instance (any state) of each of the customers, keyed by customer. */
  instancesOfCustomers(customerIds: readonly string[]): Map<string, InstanceState[]>;
  /** Up to `limit` active instances of a version. */
  activeOfVersion(journeyId: string, version: number, limit: number): InstanceState[];
  /** Whether any customer is still inside the version. */
  hasActive(journeyId: string, version: number): boolean;

  entries(journeyId: string, customerId: string): EntryCount;
  /** Entry counts in one journey of the customers that have entered it, keyed by customer. */
  entriesOf(journeyId: string, customerIds: readonly string[]): Map<string, EntryCount>;

  segmentsOf(customerId: string): Memberships;
  segmentsOfCustomers(customerIds: readonly string[]): Map<string, Memberships>;
  /** Members of any of the segments with an id above the cursor, in id order. */
  membersAfter(segments: readonly string[], cursor: string, limit: number): string[];

  profile(customerId: string): Profile;
  profilesOf(customerIds: readonly string[]): Map<string, Profile>;

  /** The customer's consents and counted sends (rules/delivery.ts); empty when none are kept. */
  delivery(customerId: string): CustomerDelivery;
  /** The stored delivery state of the customers that have one, keyed by customer. */
  deliveriesOf(customerIds: readonly string[]): Map<string, CustomerDelivery>;
  /** The delivery settings as the partition's inputs last set them; undefined before any were stored. */
  settings(): DeliverySettings | undefined;

  /** Up to `limit` timers due at or before `now` (ms), earliest first. */
  dueTimers(now: number, limit: number): DueTimer[];
  /** The earliest due timer, job or action expiry (ms), for the scheduler's next wake-up. */
  nextWake(): number | undefined;
  /** The earliest job due at or before `now` (ms). */
  dueJob(now: number): EngineJob | undefined;
  /** A pending job by id. */
  job(jobId: string): EngineJob | undefined;
  /**
   * Up to `limit` instances of a version held while it was paused (CustomerHeld), in the order they
   * were held (time, then instance id).
   */
  pauseHoldsOf(journeyId: string, version: number, limit: number): string[];
  /** The last entry slot this partition took for a rate-limited version (ms), if any (rules/entry-limit.ts). */
  entrySlot(journeyId: string, version: number): number | undefined;
  /** One hour's figures of one branch of an experiment (rules/experiment.ts); zeros when none. */
  experimentBucket(key: ExperimentBucketKey): { assigned: number; converted: number };
  /** An experiment's figures per branch (by branch index), summed over the hours up to `lastBucket` (ms). */
  experimentFigures(
    journeyId: string,
    version: number,
    stepId: string,
    lastBucket: number,
  ): Map<number, { assigned: number; converted: number }>;

  /** Up to `limit` actions no reader has been handed whose expiry is at or before `now` (ms), earliest first. */
  expiredActions(now: number, limit: number): ExpiredAction[];

  /** Actions of a version that no reader has been handed yet. */
  undeliveredOfVersion(journeyId: string, version: number, limit: number): UndeliveredAction[];
  /**
   * Takes an action out of the outbox at once (status `cancelling`), before its cancellation is
   * stored: no reader can be handed it meanwhile.
   */
  withdrawAction(actionId: string): void;

  /** Writes every change of a unit of work, and the checkpoint when given, atomically. */
  commit(changes: EngineChanges, checkpoint?: bigint): void;
  /** Deletes everything of the partition: it moved to another instance. */
  drop(): void;
  /** Everything the partition holds, as the changes that would rebuild it from nothing. */
  snapshot(): EngineChanges;
}

/** The engine state this process holds: one {@link EngineStore} per partition it owns, and their outbox. */
export interface EngineStores {
  /** The store of one partition (empty when the partition has no state here yet). */
  partition(partition: number): EngineStore;
  /**
   * Hands out the named actions to an output: each one still deliverable is marked handed and its
   * payload returned; cancelled ones, and those expired at `now` (ms), come back undefined. Undefined,
   * with nothing marked, while any of them is not in the outbox yet.
   */
  claimActions(actionIds: readonly string[], now: number): (string | undefined)[] | undefined;
  /** Deliverable actions after the cursor, marked handed out, atomically; expired ones are skipped. */
  takeActions(after: number, limit: number, now: number): { actions: unknown[]; next: string };
}

/** Injection token of the {@link EngineStores}; the composition root picks the adapter. */
export const ENGINE_STORES = Symbol('ENGINE_STORES');

/** One pending unit of engine work that runs in chunks and keeps its cursor (segment enrolment, stopping). */
export type EngineJob =
  | EnrolmentJob
  | { kind: 'stop'; jobId: string; journeyId: string; version: number; startAt: number }
  /** A paused version is Live again (or Completing): its held customers go on, decided at `startAt`. */
  | { kind: 'release'; jobId: string; journeyId: string; version: number; startAt: number }
  /**
   * A partition's share of an experiment (rules/experiment.ts): at `startAt` it reports its figures to
   * the journey (or looks again later), until the journey shows its report or the conclusion.
   * `decideAt`: when an experiment with `decideAfter` decides (ms).
   */
  | {
      kind: 'experiment';
      jobId: string;
      journeyId: string;
      version: number;
      stepId: string;
      startAt: number;
      decideAt?: number;
    }
  /** An entry that waits for its slot of a rate-limited version (rules/entry-limit.ts): it enters at `startAt`. */
  | {
      kind: 'enter';
      jobId: string;
      journeyId: string;
      version: number;
      customerId: string;
      startAt: number;
      /** What offers the entry: the trigger, or the segment joined (EntryOffer). */
      offer: {
        trigger?: { id: string; name: string; attributes: Record<string, unknown> };
        bindingId?: string;
        segmentId?: string;
        chain?: number;
      };
    };

/** One hour (`bucket`, ms of its start) of one branch of an experiment at a split step. */
export interface ExperimentBucketKey {
  journeyId: string;
  version: number;
  stepId: string;
  branch: number;
  bucket: number;
}

/** A customer held while their version was paused (CustomerHeld), until released. */
export interface PauseHold {
  instanceId: string;
  journeyId: string;
  version: number;
  /** When they were held (ms): held customers go on in this order. */
  heldAt: number;
}

export interface EntryCount {
  entries: number;
  /** When the customer last entered (ms); 0 when never. */
  lastEntryAt: number;
}

/** A customer's segments: the current ones, and the stamp of the last change of each (left ones too). */
export interface Memberships {
  member: Set<string>;
  stamps: Map<string, Stamp>;
}

export function emptyMemberships(): Memberships {
  return { member: new Set(), stamps: new Map() };
}

export interface DueTimer {
  timerId: string;
  instanceId: string;
  /** When it fires (ms): its due time, plus the grace of a waitForTrigger's timeout. */
  dueAt: number;
}

export interface UndeliveredAction {
  actionId: string;
  instanceId: string;
  payload: string;
}

/** An action that was not handed out before its expiry. */
export interface ExpiredAction extends UndeliveredAction {
  expiresAt: number;
}

/** An action request for the outbox, as the `journeys.actions` payload. */
export interface OutboxAction {
  actionId: string;
  instanceId: string;
  journeyId: string;
  version: number;
  customerId: string;
  payload: string;
  /** Not handed out after this time (ms). */
  expiresAt?: number;
}

/** Everything one unit of engine work changes; {@link EngineStore.commit} writes it atomically. */
export interface EngineChanges {
  journeys: Extract<JourneyState, { status: 'present' }>[];
  instances: InstanceState[];
  entries: { journeyId: string; customerId: string; count: EntryCount }[];
  memberships: { segmentId: string; customerId: string; member: boolean; stamp: Stamp }[];
  profiles: { customerId: string; profile: Profile }[];
  timersRemoved: string[];
  timersAdded: { timerId: string; instanceId: string; dueAt: number }[];
  actionsAdded: OutboxAction[];
  actionsCancelled: string[];
  /** Actions a reader has been handed (only snapshots carry these: units leave handing to the outbox). */
  actionsHanded?: string[];
  jobsSaved: EngineJob[];
  jobsRemoved: string[];
  /** Customers' consents and counted sends (the whole state of each customer named). */
  deliveries: { customerId: string; state: CustomerDelivery }[];
  /** The delivery settings, when an input changed them (the last one wins). */
  settings: DeliverySettings[];
  /** Customers held by a pause, and (by instance id) those no longer held. */
  pauseHolds: PauseHold[];
  pauseHoldsRemoved: string[];
  /** The last entry slot taken per rate-limited version. */
  entrySlots: { journeyId: string; version: number; slot: number }[];
  /** Experiment figures per hour of assignment and branch, as they now stand (not increments). */
  experimentCounts: (ExperimentBucketKey & { assigned: number; converted: number })[];
}

/** Changes that change nothing. */
export function emptyChanges(): EngineChanges {
  return {
    journeys: [],
    instances: [],
    entries: [],
    memberships: [],
    profiles: [],
    timersRemoved: [],
    timersAdded: [],
    actionsAdded: [],
    actionsCancelled: [],
    jobsSaved: [],
    jobsRemoved: [],
    deliveries: [],
    settings: [],
    pauseHolds: [],
    pauseHoldsRemoved: [],
    entrySlots: [],
    experimentCounts: [],
  };
}
