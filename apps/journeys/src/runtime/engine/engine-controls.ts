import type { InstanceState, StartedInstanceState } from '../instance.decider';
import type { InstanceEvent } from '../instance.events';
import type { EngineChanges, EngineStore, ExperimentBucketKey, PauseHold } from '../engine-store/engine-store.port';
import { bucketOf } from '../rules/experiment';

type ControlChanges = Pick<EngineChanges, 'pauseHolds' | 'pauseHoldsRemoved' | 'entrySlots' | 'experimentCounts'>;
type Counts = { assigned: number; converted: number };

/**
 * The delivery controls' share of a unit of engine work (issue 16), beside the {@link EngineBatch}
 * that owns it: the customers a pause holds, the entry slots rate-limited versions took, and the
 * figures of experiments (per hour of assignment and branch). Reads go
 * through the parent batch (not committed yet) before the store, like the batch's own; its changes
 * commit with the batch's, in one transaction.
 */
export class ControlsBatch {
  private readonly pauseHolds = new Map<string, PauseHold>();
  private readonly pauseHoldsRemoved = new Set<string>();
  /** Last entry slot per version (`journeyId#version`) read or taken by this batch. */
  private readonly slots = new Map<string, number | undefined>();
  private readonly slotsTaken = new Set<string>();
  private readonly counts = new Map<string, ExperimentBucketKey & Counts>();
  private readonly countsChanged = new Set<string>();

  constructor(
    private readonly store: EngineStore,
    private parent?: ControlsBatch,
  ) {}

  forgetParent(): void {
    this.parent = undefined;
  }

  /**
   * Follows an instance's new events: a customer a pause holds joins the version's hold list, and
   * leaves it when no longer held; an experiment's assignments and conversions are counted in the
   * hour the customer was assigned.
   */
  recorded(before: InstanceState, after: StartedInstanceState, events: readonly InstanceEvent[]): void {
    for (const event of events) {
      if (event.type === 'SplitAssigned' && event.data.assignment === 'experiment') {
        this.count(after, event.data.stepId, event.data.branch, Date.parse(event.data.at), 'assigned');
      } else if (event.type === 'ExperimentConverted') {
        const assigned = after.experiments?.[event.data.stepId];
        if (assigned) this.count(after, event.data.stepId, assigned.branch, Date.parse(assigned.at), 'converted');
      }
    }
    const wasHeld = before.status !== 'new' && before.held !== undefined;
    const id = after.ref.instanceId;
    if (after.held && !wasHeld) {
      const { journeyId, version } = after.ref;
      this.pauseHoldsRemoved.delete(id);
      this.pauseHolds.set(id, { instanceId: id, journeyId, version, heldAt: Date.parse(after.held.at) });
    } else if (wasHeld && !after.held) {
      this.pauseHolds.delete(id);
      this.pauseHoldsRemoved.add(id);
    }
  }

  private count(instance: StartedInstanceState, stepId: string, branch: number, at: number, what: keyof Counts): void {
    const { journeyId, version } = instance.ref;
    const key: ExperimentBucketKey = { journeyId, version, stepId, branch, bucket: bucketOf(at) };
    const counts = this.bucket(key);
    counts[what] += 1;
    this.countsChanged.add(bucketKey(key));
  }

  private bucket(key: ExperimentBucketKey): ExperimentBucketKey & Counts {
    const id = bucketKey(key);
    let counts = this.counts.get(id);
    if (!counts) {
      const stored = this.parent ? this.parent.bucket(key) : this.store.experimentBucket(key);
      counts = { ...key, assigned: stored.assigned, converted: stored.converted };
      this.counts.set(id, counts);
    }
    return counts;
  }

  /** The last entry slot this partition took for a version (ms), if any. */
  entrySlot(journeyId: string, version: number): number | undefined {
    const key = `${journeyId}#${version}`;
    if (!this.slots.has(key)) {
      const slot = this.parent ? this.parent.entrySlot(journeyId, version) : this.store.entrySlot(journeyId, version);
      this.slots.set(key, slot);
    }
    return this.slots.get(key);
  }

  takeEntrySlot(journeyId: string, version: number, slot: number): void {
    const key = `${journeyId}#${version}`;
    this.slots.set(key, slot);
    this.slotsTaken.add(key);
  }

  changes(): ControlChanges {
    return {
      pauseHolds: [...this.pauseHolds.values()],
      pauseHoldsRemoved: [...this.pauseHoldsRemoved],
      entrySlots: [...this.slotsTaken].map((key) => {
        const hash = key.lastIndexOf('#');
        return { journeyId: key.slice(0, hash), version: Number(key.slice(hash + 1)), slot: this.slots.get(key)! };
      }),
      experimentCounts: [...this.countsChanged].map((id) => ({ ...this.counts.get(id)! })),
    };
  }
}

const bucketKey = (k: ExperimentBucketKey): string =>
  `${k.journeyId}\u0000${k.version}\u0000${k.stepId}\u0000${k.branch}\u0000${k.bucket}`;
