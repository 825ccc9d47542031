import type { InstanceState, StartedInstanceState } from '../instance.decider';
import type { InstanceEvent } from '../instance.events';
import type { EngineChanges, EngineStore, PauseHold } from '../engine-store/engine-store.port';

type ControlChanges = Pick<EngineChanges, 'pauseHolds' | 'pauseHoldsRemoved' | 'entrySlots'>;

/**
 * The delivery controls' share of a unit of engine work (issue 16), beside the {@link EngineBatch}
 * that owns it: the customers a pause holds, and the entry slots rate-limited versions took. Reads go
 * through the parent batch (not committed yet) before the store, like the batch's own; its changes
 * commit with the batch's, in one transaction.
 */
export class ControlsBatch {
  private readonly pauseHolds = new Map<string, PauseHold>();
  private readonly pauseHoldsRemoved = new Set<string>();
  /** Last entry slot per version (`journeyId#version`) read or taken by this batch. */
  private readonly slots = new Map<string, number | undefined>();
  private readonly slotsTaken = new Set<string>();

  constructor(
    private readonly store: EngineStore,
    private parent?: ControlsBatch,
  ) {}

  forgetParent(): void {
    this.parent = undefined;
  }

  /** Follows an instance's new events: a customer a pause holds joins the version's hold list, and leaves it when no longer held. */
  recorded(before: InstanceState, after: StartedInstanceState, events: readonly InstanceEvent[]): void {
    void events;
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
    };
  }
}
