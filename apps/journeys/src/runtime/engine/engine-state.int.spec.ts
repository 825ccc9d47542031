import Database from 'better-sqlite3';
import { initialState, type InstanceState } from '../instance.decider';
import type { InstanceEvent } from '../instance.events';
import { EngineBatch } from './engine-batch';
import { EngineState } from './engine-state';

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

describe('EngineState batch loads', () => {
  let state: EngineState;
  const customers = Array.from({ length: CUSTOMERS }, (_, i) => `c-${i}`);

  beforeEach(() => {
    state = new EngineState(new Database(':memory:'));
    // Every third customer has two instances, a profile, a membership and an entry count.
    customers.forEach((customerId, i) => {
      if (i % 3 !== 0) return;
      state.saveInstance(instance(customerId, 'j1'));
      state.saveInstance(instance(customerId, 'j2'));
      state.saveProfile(customerId, { n: i });
      state.setMembership('vip', customerId, true);
      state.saveEntries('j1', customerId, { entries: i, lastEntryAt: 1_000 + i });
    });
  });

  it('load the same rows as the point queries, for every customer asked', () => {
    const instances = state.instancesOfCustomers(customers);
    const segments = state.segmentsOfCustomers(customers);
    const profiles = state.profilesOf(customers);
    const entries = state.entriesOf('j1', customers);
    for (const customerId of customers) {
      expect(instances.get(customerId) ?? []).toEqual(state.instancesOfCustomer(customerId));
      expect(segments.get(customerId) ?? new Set()).toEqual(state.segmentsOf(customerId));
      expect(profiles.get(customerId) ?? {}).toEqual(state.profile(customerId));
      expect(entries.get(customerId) ?? { entries: 0, lastEntryAt: 0 }).toEqual(state.entries('j1', customerId));
    }
    expect(instances.size).toBe(CUSTOMERS / 3);
  });

  it('prefetched batches answer like batches that read row by row', () => {
    const prefetched = new EngineBatch(state);
    prefetched.prefetchCustomers(customers, ['j1']);
    const lazy = new EngineBatch(state);
    for (const customerId of customers) {
      expect(prefetched.instancesOf(customerId)).toEqual(lazy.instancesOf(customerId));
      expect(prefetched.segmentsOf(customerId)).toEqual(lazy.segmentsOf(customerId));
      expect(prefetched.profile(customerId)).toEqual(lazy.profile(customerId));
      expect(prefetched.entries('j1', customerId)).toEqual(lazy.entries('j1', customerId));
    }
    const byId = new EngineBatch(state);
    byId.prefetchInstances([`j2_1_c-3_1`, 'missing']);
    expect(byId.instance('j2_1_c-3_1')).toEqual(instance('c-3', 'j2'));
    expect(byId.profile('c-3')).toEqual({ n: 3 });
  });

  it('a batch decided before its parent commits reads the parent’s changes, prefetched or not', () => {
    const parent = new EngineBatch(state);
    parent.prefetchCustomers(['c-0', 'c-1'], ['j1']);
    parent.record(initialState(), [entered('c-1', 'j3')], 'cause');
    parent.recordEntry('j1', 'c-0', 5_000);
    parent.setMembership('gold', 'c-1', true);
    parent.mergeProfile('c-0', { plan: 'pro' });

    const child = new EngineBatch(state, parent);
    child.prefetchCustomers(['c-0', 'c-1', 'c-2'], ['j1']);
    expect(child.instancesOf('c-1').map((i) => i.ref.journeyId)).toEqual(['j3']);
    expect(child.entries('j1', 'c-0')).toEqual({ entries: 1, lastEntryAt: 5_000 });
    expect(child.segmentsOf('c-1')).toEqual(new Set(['gold']));
    expect(child.profile('c-0')).toEqual({ n: 0, plan: 'pro' });
    // Its own changes stay its own.
    child.setMembership('silver', 'c-1', true);
    expect(parent.segmentsOf('c-1')).toEqual(new Set(['gold']));

    // Once the parent has committed, the link is cut and the database answers the same.
    parent.commit();
    child.forgetParent();
    expect(child.instancesOf('c-1').map((i) => i.ref.journeyId)).toEqual(['j3']);
    expect(new EngineBatch(state).entries('j1', 'c-0')).toEqual({ entries: 1, lastEntryAt: 5_000 });
  });
});
