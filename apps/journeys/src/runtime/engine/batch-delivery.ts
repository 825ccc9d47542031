import type { Channel, ConsentStatus, DeliverySettings } from '@journeys/definition';
import type { EngineStore } from '../engine-store/engine-store.port';
import { recordConsent } from '../rules/consent';
import { NO_DELIVERY_STATE, type CustomerDelivery } from '../rules/delivery';
import type { Stamp } from '../rules/event-time';
import { afterSend } from '../rules/frequency-cap';

/**
 * One unit of engine work's view of the customers' delivery state (consents, counted sends), read
 * through the batch before it and the store like the rest of the batch's state (engine-batch.ts).
 * States are immutable: a change replaces the customer's object, so sharing one with the parent
 * batch is safe.
 */
export class BatchDelivery {
  private readonly customers = new Map<string, CustomerDelivery>();
  private readonly dirty = new Set<string>();
  private settingsChanged: DeliverySettings | undefined;

  constructor(
    private readonly store: EngineStore,
    private parent?: BatchDelivery,
  ) {}

  forgetParent(): void {
    this.parent = undefined;
  }

  /** Whether this batch has read or changed the customer's state. */
  knows(customerId: string): boolean {
    return this.customers.has(customerId);
  }

  /** Loads the states of customers this batch does not know yet in one batched read (`ids` skip the parent's). */
  prefetch(customerIds: readonly string[]): void {
    const ids = customerIds.filter((id) => !this.customers.has(id));
    if (!ids.length) return;
    const stored = this.store.deliveriesOf(ids);
    for (const id of ids) this.customers.set(id, stored.get(id) ?? NO_DELIVERY_STATE);
  }

  of(customerId: string): CustomerDelivery {
    let state = this.customers.get(customerId);
    if (state === undefined) {
      state = this.parent ? this.parent.of(customerId) : this.store.delivery(customerId);
      this.customers.set(customerId, state);
    }
    return state;
  }

  /** Applies a consent fact unless a later one for the same channel or topic is kept (rules/consent.ts). */
  setConsent(customerId: string, key: string, status: ConsentStatus, stamp: Stamp): boolean {
    const state = this.of(customerId);
    const consents = recordConsent(state.consents, key, status, stamp);
    if (consents === undefined) return false;
    this.change(customerId, { consents, sentAt: state.sentAt });
    return true;
  }

  /** Counts a send handed to the actions output against the channel's caps (rules/frequency-cap.ts). */
  countSend(customerId: string, channel: Channel, atMs: number, settings: DeliverySettings): void {
    const state = this.of(customerId);
    const sentAt = afterSend(settings.frequencyCaps, channel, state.sentAt[channel] ?? [], atMs);
    if (sentAt !== undefined)
      this.change(customerId, { consents: state.consents, sentAt: { ...state.sentAt, [channel]: sentAt } });
  }

  saveSettings(settings: DeliverySettings): void {
    this.settingsChanged = settings;
  }

  changes(): { deliveries: { customerId: string; state: CustomerDelivery }[]; settings: DeliverySettings[] } {
    return {
      deliveries: [...this.dirty].map((customerId) => ({ customerId, state: this.customers.get(customerId)! })),
      settings: this.settingsChanged === undefined ? [] : [this.settingsChanged],
    };
  }

  private change(customerId: string, state: CustomerDelivery): void {
    this.customers.set(customerId, state);
    this.dirty.add(customerId);
  }
}
