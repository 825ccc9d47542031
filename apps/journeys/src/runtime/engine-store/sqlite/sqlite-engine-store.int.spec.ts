import { ReadModelStore } from '@journeys/read-models';
import { EngineBatch } from '../../engine/engine-batch';
import { initialState, type InstanceState } from '../../instance.decider';
import type { InstanceEvent } from '../../instance.events';
import { emptyChanges, type EngineChanges } from '../engine-store.port';
import { SqliteEngineStore, SqliteEngineStores } from './sqlite-engine-store';

const NONE: EngineChanges = emptyChanges();

/** More customers than one IN list holds, so the padded last chunk is exercised too. */
const CUSTOMERS = 600;

function instance(customerId: string, journeyId: string): InstanceState {
  return {
    status: 'active',
    ref: { instanceId: `${journeyId}_1_${customerId}_1`, journeyId, version: 1, customerId, entry: 1 },
    trigger: {},
    actions: {},
    goalReached: false,
    stepsEntered: 1,
  };
}

/** A CustomerEntered event starting an instance of the journey. */
function entered(customerId: string, journeyId: string): InstanceEvent {
  return {
    type: 'CustomerEntered',
    data: {
      instanceId: `${journeyId}_1_${customerId}_1`,
      journeyId,
      version: 1,
      customerId,
      entry: 1,
      at: new Date(0).toISOString(),
    },
  } as InstanceEvent;
}

const TIMING = { triggerWaitGraceMs: 0 };

describe('SqliteEngineStore batch loads', () => {
  let state: SqliteEngineStore;
  const customers = Array.from({ length: CUSTOMERS }, (_, i) => `c-${i}`);

  beforeEach(() => {
    state = new SqliteEngineStore(ReadModelStore.open(':memory:'));
    // Every third customer has two instances, a profile, a membership and an entry count.
    const some = customers.filter((_, i) => i % 3 === 0);
    const n = (customerId: string) => Number(customerId.slice(2));
    state.commit({
      ...NONE,
      instances: some.flatMap((customerId) => [instance(customerId, 'j1'), instance(customerId, 'j2')]),
      profiles: some.map((customerId) => ({
        customerId,
        profile: { values: { n: n(customerId) }, stamps: { n: [n(customerId), `m-${n(customerId)}`] } },
      })),
      memberships: some.map((customerId) => ({
        segmentId: 'vip',
        customerId,
        member: true,
        stamp: [n(customerId), `s-${n(customerId)}`],
      })),
      entries: some.map((customerId) => ({
        journeyId: 'j1',
        customerId,
        count: { entries: n(customerId), lastEntryAt: 1_000 + n(customerId) },
      })),
    });
  });

  it('load the same rows as the point queries, for every customer asked', () => {
    const instances = state.instancesOfCustomers(customers);
    const segments = state.segmentsOfCustomers(customers);
    const profiles = state.profilesOf(customers);
    const entries = state.entriesOf('j1', customers);
    for (const customerId of customers) {
      expect(instances.get(customerId) ?? []).toEqual(state.instancesOfCustomer(customerId));
      expect(segments.get(customerId) ?? { member: new Set(), stamps: new Map() }).toEqual(
        state.segmentsOf(customerId),
      );
      expect(profiles.get(customerId) ?? { values: {}, stamps: {} }).toEqual(state.profile(customerId));
      expect(entries.get(customerId) ?? { entries: 0, lastEntryAt: 0 }).toEqual(state.entries('j1', customerId));
    }
    expect(instances.size).toBe(CUSTOMERS / 3);
  });

  it('prefetched batches answer like batches that read row by row', () => {
    const prefetched = new EngineBatch(state, TIMING);
    prefetched.prefetchCustomers(customers, ['j1']);
    const lazy = new EngineBatch(state, TIMING);
    for (const customerId of customers) {
      expect(prefetched.instancesOf(customerId)).toEqual(lazy.instancesOf(customerId));
      expect(prefetched.segmentsOf(customerId)).toEqual(lazy.segmentsOf(customerId));
      expect(prefetched.profile(customerId)).toEqual(lazy.profile(customerId));
      expect(prefetched.entries('j1', customerId)).toEqual(lazy.entries('j1', customerId));
    }
    const byId = new EngineBatch(state, TIMING);
    byId.prefetchInstances([`j2_1_c-3_1`, 'missing']);
    expect(byId.instance('j2_1_c-3_1')).toEqual(instance('c-3', 'j2'));
    expect(byId.profile('c-3')).toEqual({ n: 3 });
  });

  it('a batch decided before its parent commits reads the parent’s changes, prefetched or not', () => {
    const parent = new EngineBatch(state, TIMING);
    parent.prefetchCustomers(['c-0', 'c-1'], ['j1']);
    parent.record(initialState(), [entered('c-1', 'j3')], 'cause');
    parent.recordEntry('j1', 'c-0', 5_000);
    parent.setMembership('gold', 'c-1', true, [1, 'g']);
    parent.mergeProfile('c-0', { plan: 'pro' }, [1, 'p']);

    const child = new EngineBatch(state, TIMING, parent);
    child.prefetchCustomers(['c-0', 'c-1', 'c-2'], ['j1']);
    expect(child.instancesOf('c-1').map((i) => i.ref.journeyId)).toEqual(['j3']);
    expect(child.entries('j1', 'c-0')).toEqual({ entries: 1, lastEntryAt: 5_000 });
    expect(child.segmentsOf('c-1')).toEqual(new Set(['gold']));
    expect(child.profile('c-0')).toEqual({ n: 0, plan: 'pro' });
    // Its own changes stay its own.
    child.setMembership('silver', 'c-1', true, [1, 's']);
    expect(parent.segmentsOf('c-1')).toEqual(new Set(['gold']));

    // Once the parent has committed, the link is cut and the database answers the same.
    parent.commit();
    child.forgetParent();
    expect(child.instancesOf('c-1').map((i) => i.ref.journeyId)).toEqual(['j3']);
    expect(new EngineBatch(state, TIMING).entries('j1', 'c-0')).toEqual({ entries: 1, lastEntryAt: 5_000 });
  });
});

describe('SqliteEngineStore on a read-model file of the first release', () => {
  it('adds the event-time columns and keeps what the file held; any dated change supersedes it', () => {
    const readModels = ReadModelStore.open(':memory:');
    const db = readModels.db;
    db.exec(`CREATE TABLE rt_segments (segment_id TEXT NOT NULL, customer_id TEXT NOT NULL,
               PRIMARY KEY (segment_id, customer_id)) WITHOUT ROWID;
             CREATE TABLE rt_profiles (customer_id TEXT PRIMARY KEY, attributes TEXT NOT NULL);
             INSERT INTO rt_segments VALUES ('vip', 'ann');
             INSERT INTO rt_profiles VALUES ('ann', '{"plan":"pro"}');`);
    const state = new SqliteEngineStore(readModels);
    expect(state.segmentsOf('ann').member).toEqual(new Set(['vip']));
    expect(state.profile('ann')).toEqual({ values: { plan: 'pro' }, stamps: {} });
    expect(state.membersAfter(['vip'], '', 10)).toEqual(['ann']);

    const batch = new EngineBatch(state, { triggerWaitGraceMs: 0 });
    expect(batch.setMembership('vip', 'ann', false, [1, 'a'])).toBe(true);
    batch.mergeProfile('ann', { plan: 'free' }, [1, 'a']);
    batch.commit();
    expect(state.membersAfter(['vip'], '', 10)).toEqual([]);
    expect(state.profile('ann').values).toEqual({ plan: 'free' });
    // The leave stays as a dated row: an older join arriving now changes nothing.
    expect(new EngineBatch(state, { triggerWaitGraceMs: 0 }).setMembership('vip', 'ann', true, [0, 'z'])).toBe(false);
  });
});

describe('SqliteEngineStore delivery state and the outbox', () => {
  const SETTINGS = {
    consentMode: 'optIn' as const,
    frequencyCaps: [{ channel: 'email' as const, count: 1, period: 'P1D' }],
  };
  const action = (actionId: string, expiresAt?: number) => ({
    actionId,
    instanceId: 'j1_1_ann_1',
    journeyId: 'j1',
    version: 1,
    customerId: 'ann',
    payload: JSON.stringify({ actionId, stepId: 's' }),
    ...(expiresAt === undefined ? {} : { expiresAt }),
  });

  it('a batch reads consents through its parent, counts sends and commits both', () => {
    const state = new SqliteEngineStore(ReadModelStore.open(':memory:'));
    const parent = new EngineBatch(state, TIMING);
    expect(parent.delivery.setConsent('ann', 'email', 'optedIn', [10, 'b'])).toBe(true);
    // An older fact loses (rules/event-time.ts).
    expect(parent.delivery.setConsent('ann', 'email', 'optedOut', [5, 'a'])).toBe(false);
    const child = new EngineBatch(state, TIMING, parent);
    child.prefetchCustomers(['ann', 'bob']);
    child.delivery.countSend('ann', 'email', 1_000, SETTINGS);
    expect(child.delivery.of('ann')).toEqual({
      consents: { email: { status: 'optedIn', stamp: [10, 'b'] } },
      sentAt: { email: [1_000] },
    });
    expect(parent.delivery.of('ann').sentAt).toEqual({});
    parent.delivery.saveSettings(SETTINGS);
    parent.commit();
    child.commit();
    expect(state.delivery('ann')).toEqual(child.delivery.of('ann'));
    expect(state.deliveriesOf(['ann', 'bob'])).toEqual(new Map([['ann', child.delivery.of('ann')]]));
    expect(state.settings()).toEqual(SETTINGS);
    expect(state.snapshot()).toMatchObject({ deliveries: [{ customerId: 'ann' }], settings: [SETTINGS] });
  });

  it('hands out no expired action, lists them by expiry and wakes the scheduler for the next one', () => {
    const state = new SqliteEngineStore(ReadModelStore.open(':memory:'));
    state.commit({ ...NONE, actionsAdded: [action('a1', 5_000), action('a2'), action('a3', 9_000)] });
    expect(state.nextWake()).toBe(5_000);
    expect(state.expiredActions(6_000, 10).map((a) => [a.actionId, a.expiresAt])).toEqual([['a1', 5_000]]);

    const stores = new SqliteEngineStores(ReadModelStore.open(':memory:'));
    stores.partition(0).commit({ ...NONE, actionsAdded: [action('a1', 5_000), action('a2')] });
    const claimed = stores.claimActions(['a1', 'a2'], 6_000);
    expect(claimed?.map((payload) => payload !== undefined)).toEqual([false, true]);
    // Still pending (not handed): the engine cancels it, reason Expired.
    expect(
      stores
        .partition(0)
        .expiredActions(6_000, 10)
        .map((a) => a.actionId),
    ).toEqual(['a1']);
  });
});
