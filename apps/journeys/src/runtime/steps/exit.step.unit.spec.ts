import { exitJourney } from './exit.step';
import type { StepRun } from './step-run';

const NOW = new Date('2026-03-10T09:00:00.000Z');
const ref = { instanceId: 'j1_1_c1_1', journeyId: 'j1', version: 1, customerId: 'c1', entry: 1, at: NOW.toISOString() };
const run: StepRun = {
  ref,
  now: NOW,
  nowMs: NOW.getTime(),
  timeZone: 'UTC',
  trigger: {},
  profile: {},
  inSegment: () => false,
  actions: {},
  visit: 1,
  revisit: false,
};

describe('exit step', () => {
  it('ends the journey as exited at this step', () => {
    expect(exitJourney({ id: 'bye', type: 'exit' }, run)).toEqual({
      events: [{ type: 'CustomerExited', data: { ...ref, reason: 'exitStep', stepId: 'bye' } }],
      then: { kind: 'end' },
    });
  });
});
