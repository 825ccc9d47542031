import { exitJourney } from './exit.step';
import { REF as ref, stepRun } from './testing/step-run.fixture';

const run = stepRun();

describe('exit step', () => {
  it('ends the journey as exited at this step', () => {
    expect(exitJourney({ id: 'bye', type: 'exit' }, run)).toEqual({
      events: [{ type: 'CustomerExited', data: { ...ref, reason: 'exitStep', stepId: 'bye' } }],
      then: { kind: 'end' },
    });
  });
});
