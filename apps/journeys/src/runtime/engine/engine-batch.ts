import type { EventMetadata, NewEvent } from '@journeys/event-store';
import { SCHEMA_VERSION } from '../../common/command-context';
import { customerStream, triggerEventId } from '../../ingestion/customer.events';
import type { JourneyState } from '../../journeys/journey.decider';
import { evolve, type InstanceState } from '../instance.decider';
import { INSTANCE_CATEGORY, type InstanceEvent } from '../instance.events';
import { versionKey } from '../rules/routing';
import { mergeProfile, supersedes, type Profile, type Stamp } from '../rules/event-time';
import { heldUntil } from '../steps/send.step';
import { BatchDelivery } from './batch-delivery';
import { outboxAction } from './outbox-action';
import type { LifecycleMove } from '../rules/lifecycle';
import type {
  EngineChanges,
  EngineJob,
  EngineStore,
  EntryCount,
  Memberships,
  OutboxAction,
} from '../engine-store/engine-store.port';
import { ControlsBatch } from './engine-controls';

type Present = Exclude<InstanceState, { status: 'new' }>;

const NO_ENTRIES = Object.freeze({ entries: 0, lastEntryAt: 0 });

/** Settings that decide when the engine's timers fire. */
export interface EngineTiming {
  /** How long after its deadline a waitForTrigger's timer fires (ms). */
  triggerWaitGraceMs: number;
}

/**
 * One unit of engine work: reads go through caches (so later decisions in the batch see earlier
 * ones), outputs are collected per stream, and `commit` writes every state change in one
 * transaction. Output event ids derive from the cause (input event, timer or job chunk), so a batch
 * re-decided after a crash produces the same ids and the event store keeps each event once.
 */
export class EngineBatch {
  readonly outputs = new Map<string, NewEvent[]>();
  /** Versions whose customers finished in this batch (candidates for Completing -> Completed). */
  readonly versionsTouched = new Set<string>();
  /** Life-cycle moves to make once the batch has committed. */
  readonly moves: LifecycleMove[] = [];

  private readonly instances = new Map<string, InstanceState>();
  private readonly customerInstances = new Map<string, string[]>();
  private readonly entryCounts = new Map<string, EntryCount>();
  private readonly dirtyEntries = new Set<string>();
  /** Customers with an entry count in `entryCounts`. */
  private readonly entryCustomers = new Set<string>();
  private readonly segments = new Map<string, Memberships>();
  private readonly profiles = new Map<string, Profile>();
  private readonly dirtyInstances = new Set<string>();
  private readonly dirtyProfiles = new Set<string>();
  private readonly membershipChanges: { segmentId: string; customerId: string; member: boolean; stamp: Stamp }[] = [];
  private readonly timersAdded = new Map<string, { instanceId: string; dueAt: number }>();
  private readonly timersRemoved = new Set<string>();
  private readonly actionsAdded: OutboxAction[] = [];
  private readonly actionsCancelled = new Set<string>();
  private readonly journeys: Extract<JourneyState, { status: 'present' }>[] = [];
  private readonly jobsSaved = new Map<string, EngineJob>();
  private readonly jobsRemoved = new Set<string>();
  private readonly sequence = new Map<string, number>();
  /** The delivery controls' state this batch reads and changes (engine-controls.ts). */
  readonly controls: ControlsBatch;
  private lastMetadata: EventMetadata | undefined;
  /** The customers' consents and counted sends, and the delivery settings when an input changed them. */
  readonly delivery: BatchDelivery;

  /**
   * `parent`: the batch decided just before this one whose state may not be committed yet. Reads go
   * through it before the database, so this batch sees everything it changed; once it has
   * committed, {@link forgetParent} cuts the link (the database then holds the same).
   */
  constructor(
    private readonly state: EngineStore,
    private readonly timing: EngineTiming,
    private parent?: EngineBatch,
  ) {
    this.delivery = new BatchDelivery(state, parent?.delivery);
    this.controls = new ControlsBatch(state, parent?.controls);
  }

  forgetParent(): void {
    this.parent = undefined;
    this.delivery.forgetParent();
    this.controls.forgetParent();
  }

  instance(instanceId: string): InstanceState | undefined {
    if (!this.instances.has(instanceId)) {
      const stored = this.parent ? this.parent.instance(instanceId) : this.state.instance(instanceId);
      if (!stored) return undefined;
      this.instances.set(instanceId, stored);
    }
    return this.instances.get(instanceId);
  }

  /** Every instance of the customer (any state), including those created in this batch. */
  instancesOf(customerId: string): Present[] {
    let ids = this.customerInstances.get(customerId);
    if (!ids) {
      ids = [];
      const known = this.parent ? this.parent.instancesOf(customerId) : this.state.instancesOfCustomer(customerId);
      for (const s of known) {
        if (s.status === 'new') continue;
        if (!this.instances.has(s.ref.instanceId)) this.instances.set(s.ref.instanceId, s);
        ids.push(s.ref.instanceId);
      }
      this.customerInstances.set(customerId, ids);
    }
    return ids.map((id) => this.instances.get(id)).filter((s): s is Present => !!s && s.status !== 'new');
  }

  /**
   * Loads what deciding for these customers reads (their instances, memberships and profiles, and
   * their entry counts in `entryJourneys`) with a few batch queries, instead of one point query per
   * customer and table as each is first touched.
   */
  prefetchCustomers(customerIds: Iterable<string>, entryJourneys: Iterable<string> = []): void {
    // Customers the parent has read or changed are read through it, lazily.
    const ids = [...new Set(customerIds)].filter((id) => !this.customerInstances.has(id) && !this.parent?.knows(id));
    if (!ids.length) return;
    const stored = this.state.instancesOfCustomers(ids);
    for (const customerId of ids) {
      const list: string[] = [];
      for (const s of stored.get(customerId) ?? []) {
        if (s.status === 'new') continue;
        if (!this.instances.has(s.ref.instanceId)) this.instances.set(s.ref.instanceId, s);
        list.push(s.ref.instanceId);
      }
      this.customerInstances.set(customerId, list);
    }
    this.prefetchContext(ids);
    for (const journeyId of new Set(entryJourneys)) {
      const counts = this.state.entriesOf(journeyId, ids);
      for (const customerId of ids) {
        const key = `${journeyId}\u0000${customerId}`;
        if (this.entryCounts.has(key)) continue;
        this.entryCounts.set(key, counts.get(customerId) ?? NO_ENTRIES);
        this.entryCustomers.add(customerId);
      }
    }
  }

  /** Loads the instances (for due timers) and their customers' memberships and profiles in batches. */
  prefetchInstances(instanceIds: readonly string[]): void {
    const customers: string[] = [];
    for (const s of this.state.instancesById(instanceIds.filter((id) => !this.instances.has(id)))) {
      if (s.status === 'new') continue;
      this.instances.set(s.ref.instanceId, s);
      customers.push(s.ref.customerId);
    }
    this.prefetchContext(customers);
  }

  private prefetchContext(customerIds: readonly string[]): void {
    const ids = customerIds.filter(
      (id) => (!this.segments.has(id) || !this.profiles.has(id)) && !this.parent?.knows(id),
    );
    if (!ids.length) return;
    const segments = this.state.segmentsOfCustomers(ids);
    const profiles = this.state.profilesOf(ids);
    this.delivery.prefetch(ids);
    for (const customerId of ids) {
      if (!this.segments.has(customerId)) {
        this.segments.set(customerId, segments.get(customerId) ?? { member: new Set(), stamps: new Map() });
      }
      if (!this.profiles.has(customerId)) {
        this.profiles.set(customerId, profiles.get(customerId) ?? { values: {}, stamps: {} });
      }
    }
  }

  entries(journeyId: string, customerId: string): EntryCount {
    const key = `${journeyId}\u0000${customerId}`;
    let value = this.entryCounts.get(key);
    if (!value) {
      value = this.parent ? this.parent.entries(journeyId, customerId) : this.state.entries(journeyId, customerId);
      this.entryCounts.set(key, value);
      this.entryCustomers.add(customerId);
    }
    return value;
  }

  recordEntry(journeyId: string, customerId: string, at: number): number {
    const current = this.entries(journeyId, customerId);
    const next = { entries: current.entries + 1, lastEntryAt: at };
    const key = `${journeyId}\u0000${customerId}`;
    this.entryCounts.set(key, next);
    this.dirtyEntries.add(key);
    return next.entries;
  }

  /** The segments the customer is a member of. */
  segmentsOf(customerId: string): Set<string> {
    return this.memberships(customerId).member;
  }

  private memberships(customerId: string): Memberships {
    let memberships = this.segments.get(customerId);
    if (!memberships) {
      const inherited = this.parent?.memberships(customerId);
      // A copy: setMembership changes this batch's memberships, never the parent's.
      memberships = inherited
        ? { member: new Set(inherited.member), stamps: new Map(inherited.stamps) }
        : this.state.segmentsOf(customerId);
      this.segments.set(customerId, memberships);
    }
    return memberships;
  }

  /**
   * Applies a membership change unless a later change of the same membership is already applied
   * (rules/event-time.ts); returns whether it was applied.
   */
  setMembership(segmentId: string, customerId: string, member: boolean, stamp: Stamp): boolean {
    const memberships = this.memberships(customerId);
    if (!supersedes(stamp, memberships.stamps.get(segmentId))) return false;
    if (member) memberships.member.add(segmentId);
    else memberships.member.delete(segmentId);
    memberships.stamps.set(segmentId, stamp);
    this.membershipChanges.push({ segmentId, customerId, member, stamp });
    return true;
  }

  /** The profile attributes `profile.*` reads. */
  profile(customerId: string): Record<string, unknown> {
    return this.storedProfile(customerId).values;
  }

  private storedProfile(customerId: string): Profile {
    let profile = this.profiles.get(customerId);
    if (!profile) {
      profile = this.parent ? this.parent.storedProfile(customerId) : this.state.profile(customerId);
      this.profiles.set(customerId, profile);
    }
    return profile;
  }

  /** Takes a trigger's attributes into the profile by event time (rules/event-time.ts). */
  mergeProfile(customerId: string, attributes: Record<string, unknown>, stamp: Stamp): void {
    const merged = mergeProfile(this.storedProfile(customerId), attributes, stamp);
    if (merged === undefined) return;
    this.profiles.set(customerId, merged);
    this.dirtyProfiles.add(customerId);
  }

  /** Whether this batch has read or changed anything of the customer (prefetching must not bypass it). */
  private knows(customerId: string): boolean {
    if (this.customerInstances.has(customerId) || this.segments.has(customerId) || this.profiles.has(customerId)) {
      return true;
    }
    return this.entryCustomers.has(customerId) || this.delivery.knows(customerId);
  }

  saveJourney(state: Extract<JourneyState, { status: 'present' }>): void {
    this.journeys.push(state);
  }

  saveJob(job: EngineJob): void {
    this.jobsRemoved.delete(job.jobId);
    this.jobsSaved.set(job.jobId, job);
  }

  removeJob(jobId: string): void {
    this.jobsSaved.delete(jobId);
    this.jobsRemoved.add(jobId);
  }

  /** A pending job by id, as this batch leaves it. */
  job(jobId: string): EngineJob | undefined {
    if (this.jobsRemoved.has(jobId)) return undefined;
    return this.jobsSaved.get(jobId) ?? (this.parent ? this.parent.job(jobId) : this.state.job(jobId));
  }

  removeTimer(timerId: string): void {
    this.timersAdded.delete(timerId);
    this.timersRemoved.add(timerId);
  }

  /** Appends an event to a stream with an id derived from its cause. */
  emit(stream: string, event: { type: string; data: unknown }, cause: string, at: string): void {
    const key = `${cause}|${stream}`;
    const n = (this.sequence.get(key) ?? 0) + 1;
    this.sequence.set(key, n);
    const id = `${cause}|${stream}|${n}`;
    const list = this.outputs.get(stream);
    const record: NewEvent = { id, type: event.type, data: event.data, metadata: this.metadata(cause, at) };
    if (list) list.push(record);
    else this.outputs.set(stream, [record]);
  }

  /**
   * The metadata of events with this cause and time. Consecutive events of one decision share the
   * object (the store then serialises it once); events are immutable once emitted, so sharing is safe.
   */
  private metadata(cause: string, at: string): EventMetadata {
    const last = this.lastMetadata;
    if (last?.causationId === cause && last.occurredAt === at) return last;
    this.lastMetadata = {
      occurredAt: at,
      correlationId: cause,
      causationId: cause,
      actor: 'engine',
      schemaVersion: SCHEMA_VERSION,
    };
    return this.lastMetadata;
  }

  /** Records an instance's new events: state, timers, actions, raised triggers. */
  record(before: InstanceState, events: readonly InstanceEvent[], cause: string): InstanceState {
    let state = before;
    for (const event of events) {
      const previousTimer = state.status === 'new' ? undefined : state.waiting?.timerId;
      state = evolve(state, event);
      const { instanceId, customerId, journeyId, version, at } = event.data;
      this.emit(`${INSTANCE_CATEGORY}-${instanceId}`, event, cause, at);
      switch (event.type) {
        case 'WaitScheduled': {
          // A waitForTrigger times out a grace period after its deadline: triggers that happened in
          // time but arrive late still match (see wait-for-trigger.step.ts).
          const grace = event.data.kind === 'trigger' ? this.timing.triggerWaitGraceMs : 0;
          this.timersRemoved.delete(event.data.timerId);
          this.timersAdded.set(event.data.timerId, { instanceId, dueAt: Date.parse(event.data.dueAt) + grace });
          break;
        }
        case 'SendHeld': {
          const { timerId, until, expiresAt } = event.data;
          this.timersRemoved.delete(timerId);
          this.timersAdded.set(timerId, { instanceId, dueAt: Date.parse(heldUntil(until, expiresAt)) });
          break;
        }
        case 'ActionRequested':
          this.actionsAdded.push(outboxAction(event));
          break;
        case 'ActionCancelled':
          this.actionsCancelled.add(event.data.actionId);
          break;
        case 'TriggerActivated': {
          const { triggerId, trigger, attributes, chain } = event.data;
          this.emit(
            customerStream(customerId),
            {
              type: 'TriggerReceived',
              data: { id: triggerId, trigger, customerId, occurredAt: at, attributes, receivedAt: at, chain },
            },
            triggerEventId(triggerId),
            at,
          );
          break;
        }
        case 'CustomerCompleted':
        case 'CustomerExited':
        case 'CustomerRemoved':
          this.versionsTouched.add(versionKey(journeyId, version));
          break;
        default:
          break;
      }
      const nextTimer = state.status === 'new' ? undefined : state.waiting?.timerId;
      if (previousTimer && previousTimer !== nextTimer) this.removeTimer(previousTimer);
    }
    if (state.status !== 'new') {
      const id = state.ref.instanceId;
      this.controls.recorded(before, state, events);
      if (before.status === 'new') {
        this.instancesOf(state.ref.customerId);
        this.customerInstances.get(state.ref.customerId)!.push(id);
      }
      this.instances.set(id, state);
      this.dirtyInstances.add(id);
    }
    return state;
  }

  /** Writes every state change of the batch, and the checkpoint when given, in one transaction. */
  commit(checkpoint?: bigint): void {
    this.state.commit(this.changes(), checkpoint);
  }

  /** Every state change of the batch, as the store commits it. */
  changes(): EngineChanges {
    return {
      journeys: this.journeys,
      instances: [...this.dirtyInstances].map((id) => this.instances.get(id)!),
      entries: [...this.dirtyEntries].map((key) => {
        const [journeyId, customerId] = key.split('\u0000');
        return { journeyId, customerId, count: this.entryCounts.get(key)! };
      }),
      memberships: this.membershipChanges,
      profiles: [...this.dirtyProfiles].map((customerId) => ({ customerId, profile: this.profiles.get(customerId)! })),
      timersRemoved: [...this.timersRemoved],
      timersAdded: [...this.timersAdded].map(([timerId, t]) => ({ timerId, instanceId: t.instanceId, dueAt: t.dueAt })),
      actionsAdded: this.actionsAdded,
      actionsCancelled: [...this.actionsCancelled],
      jobsSaved: [...this.jobsSaved.values()],
      jobsRemoved: [...this.jobsRemoved],
      ...this.delivery.changes(),
      ...this.controls.changes(),
    };
  }
}
