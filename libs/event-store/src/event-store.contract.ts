import type { EventStore } from './event-store.port';
import { appendContract } from './contract/append.contract';
import { readContract } from './contract/read.contract';
import { subscriptionContract } from './contract/subscription.contract';

/** What a harness can do to the store from outside, for the cases that need it. */
export interface ContractFaults {
  /** Ends every open subscription from the server's side, as a server that fails a subscription does. */
  dropSubscriptions(): Promise<void> | void;
}

/**
 * The behaviour every {@link EventStore} adapter must show. An adapter spec calls it once:
 *
 * ```ts
 * eventStoreContract('SQLite', async () => SqliteEventStore.open({ file }));
 * ```
 *
 * Every test uses fresh stream names and reads relative to the head it found, so the suite runs
 * unchanged against a shared server that already holds events (and gets events from other suites).
 * Cases that need `faults` run only where the harness provides them.
 */
export function eventStoreContract(
  adapterName: string,
  open: () => Promise<EventStore>,
  faults?: ContractFaults,
): void {
  describe(`EventStore contract: ${adapterName}`, () => {
    let store: EventStore;

    beforeAll(async () => {
      store = await open();
    });

    afterAll(async () => {
      await store?.close();
    });

    appendContract(() => store);
    readContract(() => store);
    subscriptionContract(() => store, faults);
  });
}
