import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventStore, NewEvent } from '@journeys/event-store';
import { EventStoreDbEventStore } from '@journeys/event-store/eventstoredb/eventstoredb-event-store';
import { SqliteEventStore } from '@journeys/event-store/sqlite/sqlite-event-store';
import { ReadModelStore } from '@journeys/read-models';
import { EventStoreDbTestServer } from '../../../../../libs/testing/src/eventstoredb-server/eventstoredb-test-server';
import type { InstanceState } from '../instance.decider';
import type { DeliverySettings } from '@journeys/definition';
import { emptyChanges, type EngineChanges, type EngineStore } from './engine-store.port';
import { PartitionFencedError } from './partition-log.port';
import { SqliteEngineStores } from './sqlite/sqlite-engine-store';
import { partitionStream, StreamPartitionLog } from './stream-partition-log';

const NONE: EngineChanges = emptyChanges();

const instance = (customerId: string, padding = ''): InstanceState => ({
  status: 'active',
  ref: { instanceId: `j1_1_${customerId}_1`, journeyId: 'j1', version: 1, customerId, entry: 1 },
  trigger: { padding },
  actions: {},
  goalReached: false,
  stepsEntered: 1,
  waiting: { kind: 'wait', stepId: 'w', timerId: `t-${customerId}`, dueAt: '2027-01-01T00:00:00.000Z' },
});

const event = (id: string): NewEvent => ({
  id,
  type: 'StepEntered',
  data: { instanceId: id },
  metadata: { occurredAt: '2026-11-28T10:00:00Z', correlationId: id, causationId: id, schemaVersion: 1 },
});

/** Appends a unit holding one customer's instance to the partition log, then commits it, as the engine does. */
const oneCustomerUnit =
  (log: StreamPartitionLog, state: EngineStore, partition: number) =>
  async (customerId: string, checkpoint: bigint) => {
    const changes = { ...NONE, instances: [instance(customerId)] };
    await log.append(partition, new Map([[`instance-${customerId}`, [event(customerId)]]]), () => changes, checkpoint);
    state.commit(changes, checkpoint);
  };

describe.each([
  ['SQLite', 'sqlite'],
  ['EventStoreDB (protocol test server)', 'eventstoredb'],
] as const)('StreamPartitionLog on %s', (_, kind) => {
  let dir: string;
  let events: EventStore;
  let server: EventStoreDbTestServer | undefined;
  const now = () => new Date('2026-11-28T10:00:00Z');
  const freshStores = (name: string) => new SqliteEngineStores(ReadModelStore.open(join(dir, `${name}.sqlite`)));

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'journeys-partition-log-'));
    if (kind === 'sqlite') {
      events = SqliteEventStore.open({ file: join(dir, 'events.sqlite') });
    } else {
      server = await EventStoreDbTestServer.start({ statsPeriodMs: false });
      events = EventStoreDbEventStore.connect(server.connectionString);
    }
  });
  afterEach(async () => {
    await events.close();
    await server?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('restores a partition elsewhere from its stream and fences the writer it took it from', async () => {
    const first = new StreamPartitionLog(events, 'first', now);
    const firstState = freshStores('first').partition(3);
    await first.acquire(3, firstState);
    const unit = (ids: string[], changes: Partial<EngineChanges>, checkpoint: bigint) => {
      const outputs = new Map([[`instance-${ids[0]}`, ids.map(event)]]);
      const all = { ...NONE, ...changes };
      firstState.commit(all, checkpoint);
      return first.append(3, outputs, () => all, checkpoint);
    };
    await unit(['a1', 'a2'], { instances: [instance('ann')] }, 10n);
    await unit(
      ['b1'],
      { instances: [instance('bob')], timersAdded: [{ timerId: 't-bob', instanceId: 'j1_1_bob_1', dueAt: 5 }] },
      20n,
    );

    expect(await first.holds(3)).toBe(true);
    expect(await first.holds(4)).toBe(false); // never acquired

    // Another process takes the partition over with an empty disk.
    const second = new StreamPartitionLog(events, 'second', now);
    const secondState = freshStores('second').partition(3);
    await second.acquire(3, secondState);
    // The first writer learns it from the log's tail, before any write of its own is refused.
    expect(await first.holds(3)).toBe(false);
    expect(await second.holds(3)).toBe(true);
    expect(secondState.checkpoint()).toBe(20n);
    expect(secondState.instancesOfCustomer('ann')).toEqual([instance('ann')]);
    expect(secondState.instancesOfCustomer('bob')).toEqual([instance('bob')]);
    expect(secondState.dueTimers(10, 10)).toEqual([{ timerId: 't-bob', instanceId: 'j1_1_bob_1', dueAt: 5 }]);

    // The first writer's next unit, whatever it holds, is refused, and nothing of it is stored.
    const before = (await events.readStream(partitionStream(3))).length;
    await expect(unit(['c1'], { instances: [instance('cid')] }, 30n)).rejects.toBeInstanceOf(PartitionFencedError);
    expect(await events.readStream(partitionStream(3))).toHaveLength(before);
    await expect(first.append(3, new Map(), () => NONE, 40n)).rejects.toBeInstanceOf(PartitionFencedError);
    expect(await first.holds(3)).toBe(false);

    // The new writer goes on.
    await second.append(
      3,
      new Map([['instance-d1', [event('d1')]]]),
      () => ({ ...NONE, instances: [instance('dee')] }),
      30n,
    );
    expect(await second.holds(3)).toBe(true); // its own writes do not count against it
    const types = (await events.readStream(partitionStream(3))).map((e) => e.type);
    expect(types.filter((t) => t === 'PartitionClaimed')).toHaveLength(2);
    expect(types.at(-1)).toBe('PartitionCommitted');
  });

  it('stores a unit larger than one append in parts, closed by its changes', async () => {
    const log = new StreamPartitionLog(events, 'only', now);
    const state = freshStores('only').partition(0);
    await log.acquire(0, state);
    const big = Array.from({ length: 40 }, (_, i) => instance(`c${i}`, 'x'.repeat(30_000)));
    await log.append(0, new Map(), () => ({ ...NONE, instances: big }), 7n);
    const restored = freshStores('again').partition(0);
    await new StreamPartitionLog(events, 'again', now).acquire(0, restored);
    expect(restored.checkpoint()).toBe(7n);
    expect(restored.instancesOfCustomer('c39')).toEqual([big[39]]);
  });

  it('restores from the latest snapshot and the units after it', async () => {
    const log = new StreamPartitionLog(events, 'first', now);
    const state = freshStores('first').partition(1);
    await log.acquire(1, state);
    const unit = oneCustomerUnit(log, state, 1);
    await unit('ann', 1n);
    await unit('bob', 2n);
    await log.snapshot(1, state);
    await unit('cid', 3n);
    const restored = freshStores('second').partition(1);
    await new StreamPartitionLog(events, 'second', now).acquire(1, restored);
    expect(restored.checkpoint()).toBe(3n);
    for (const customerId of ['ann', 'bob', 'cid']) {
      expect(restored.instancesOfCustomer(customerId)).toEqual([instance(customerId)]);
    }
    const pointers = await events.readStream('partitionSnapshots-1');
    expect(pointers).toHaveLength(1);
    expect(pointers[0].type).toBe('PartitionSnapshotTaken');
  });

  it('reads a snapshot’s state at once and stores it while units go on; one that failed is taken again in a stream of its own', async () => {
    let refusePointer = true;
    const refusing: EventStore = new Proxy(events, {
      get(target, key) {
        if (key !== 'append') return Reflect.get(target, key).bind(target);
        return async (...args: Parameters<EventStore['append']>) => {
          if (refusePointer && args[0].startsWith('partitionSnapshots-')) {
            refusePointer = false;
            throw new Error('the store refused the pointer');
          }
          return target.append(...args);
        };
      },
    });
    const log = new StreamPartitionLog(refusing, 'first', now);
    const state = freshStores('first').partition(5);
    await log.acquire(5, state);
    const unit = oneCustomerUnit(log, state, 5);
    await unit('ann', 1n);
    await expect(log.snapshot(5, state)).rejects.toThrow('the store refused the pointer');

    await unit('bob', 2n);
    const storing = log.snapshot(5, state);
    await unit('cid', 3n); // the engine goes on while the snapshot is stored
    await storing;

    const pointers = await events.readStream('partitionSnapshots-5');
    expect(pointers).toHaveLength(1);
    const taken = pointers[0].data as { stream: string; checkpoint: string };
    expect(taken.checkpoint).toBe('2');
    // Only this attempt's piece, with the state as it was when the snapshot was asked for.
    const pieces = await events.readStream(taken.stream);
    expect(pieces).toHaveLength(1);
    const customers = (pieces[0].data as { changes: EngineChanges }).changes.instances.map(
      (i) => (i as { ref: { customerId: string } }).ref.customerId,
    );
    expect(customers.sort()).toEqual(['ann', 'bob']);

    const restored = freshStores('second').partition(5);
    await new StreamPartitionLog(events, 'second', now).acquire(5, restored);
    expect(restored.checkpoint()).toBe(3n);
    for (const customerId of ['ann', 'bob', 'cid']) {
      expect(restored.instancesOfCustomer(customerId)).toEqual([instance(customerId)]);
    }
  });

  it('restores the delivery controls’ state: pause holds, entry slots and experiment figures, from units and a snapshot', async () => {
    const log = new StreamPartitionLog(events, 'first', now);
    const state = freshStores('first').partition(2);
    await log.acquire(2, state);
    const unit = async (changes: Partial<EngineChanges>, checkpoint: bigint) => {
      const all = { ...NONE, ...changes };
      await log.append(2, new Map(), () => all, checkpoint);
      state.commit(all, checkpoint);
    };
    const key = { journeyId: 'j1', version: 1, stepId: 'ab', branch: 1, bucket: 3_600_000 };
    await unit(
      {
        pauseHolds: [
          { instanceId: 'j1_1_bob_1', journeyId: 'j1', version: 1, heldAt: 20 },
          { instanceId: 'j1_1_ann_1', journeyId: 'j1', version: 1, heldAt: 10 },
        ],
        entrySlots: [{ journeyId: 'j1', version: 1, slot: 900_000 }],
        experimentCounts: [{ ...key, assigned: 5, converted: 1 }],
        jobsSaved: [{ kind: 'release', jobId: 'release:j1:1', journeyId: 'j1', version: 1, startAt: 30 }],
      },
      1n,
    );
    await log.snapshot(2, state);
    // Counts are absolute: a unit applied again changes nothing.
    await unit({ pauseHoldsRemoved: ['j1_1_bob_1'], experimentCounts: [{ ...key, assigned: 6, converted: 2 }] }, 2n);
    await unit({ experimentCounts: [{ ...key, assigned: 6, converted: 2 }] }, 3n);

    const restored = freshStores('second').partition(2);
    await new StreamPartitionLog(events, 'second', now).acquire(2, restored);
    expect(restored.checkpoint()).toBe(3n);
    expect(restored.pauseHoldsOf('j1', 1, 10)).toEqual(['j1_1_ann_1']);
    expect(restored.entrySlot('j1', 1)).toBe(900_000);
    expect(restored.experimentBucket(key)).toEqual({ assigned: 6, converted: 2 });
    expect(restored.experimentFigures('j1', 1, 'ab', 3_600_000)).toEqual(new Map([[1, { assigned: 6, converted: 2 }]]));
    expect(restored.job('release:j1:1')).toMatchObject({ kind: 'release', startAt: 30 });
  });

  it('starts a partition log from a state file that has none yet', async () => {
    const stores = freshStores('file');
    const file = stores.partition(2);
    file.commit({ ...NONE, instances: [instance('eve')] }, 42n);
    await new StreamPartitionLog(events, 'file', now).acquire(2, file);
    expect(file.instancesOfCustomer('eve')).toEqual([instance('eve')]);
    const elsewhere = freshStores('elsewhere').partition(2);
    await new StreamPartitionLog(events, 'elsewhere', now).acquire(2, elsewhere);
    expect(elsewhere.checkpoint()).toBe(42n);
    expect(elsewhere.instancesOfCustomer('eve')).toEqual([instance('eve')]);
  });

  it('carries the delivery state (consents, counted sends, settings) in its units and snapshots', async () => {
    const log = new StreamPartitionLog(events, 'first', now);
    const state = freshStores('first').partition(4);
    await log.acquire(4, state);
    const settings: DeliverySettings = {
      consentMode: 'optOut',
      frequencyCaps: [{ channel: 'email', count: 2, period: 'P1D' }],
      quietHours: { start: '21:00', end: '08:00', mode: 'hold' },
    };
    const ann = {
      consents: { email: { status: 'optedIn' as const, stamp: [1, '01'] as const } },
      sentAt: { email: [5] },
    };
    const first = { ...NONE, deliveries: [{ customerId: 'ann', state: ann }], settings: [settings] };
    await log.append(4, new Map([['instance-ann', [event('ann')]]]), () => first, 1n);
    state.commit(first, 1n);
    await log.snapshot(4, state);
    const bob = { consents: {}, sentAt: { email: [6, 7] } };
    const second = { ...NONE, deliveries: [{ customerId: 'bob', state: bob }] };
    await log.append(4, new Map([['instance-bob', [event('bob')]]]), () => second, 2n);

    const restored = freshStores('second').partition(4);
    await new StreamPartitionLog(events, 'second', now).acquire(4, restored);
    expect(restored.settings()).toEqual(settings);
    expect(restored.deliveriesOf(['ann', 'bob', 'cid'])).toEqual(
      new Map([
        ['ann', ann],
        ['bob', bob],
      ]),
    );
  });
});
