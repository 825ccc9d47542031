import { WAIT_MAX_MS, type WaitStep } from '@journeys/definition';
import type { StepRun } from './step-run';
import { NOW, stepRun } from './testing/step-run.fixture';
import { endWait, enterWait } from './wait.step';

const runAt = (now: Date, overrides: Partial<StepRun> = {}): StepRun => stepRun({ now, visit: 2, ...overrides });
const run = (overrides: Partial<StepRun> = {}): StepRun => runAt(NOW, overrides);
const wait = (fields: Partial<WaitStep>): WaitStep => ({ id: 'settle', type: 'wait', next: 'after', ...fields });

/** The due time a wait holds the customer until, or 'proceeds' when it moves on at once. */
function dueAtOf(step: WaitStep, stepRun: StepRun): string {
  const result = enterWait(step, stepRun);
  if (result.then.kind === 'next') {
    expect(result.events).toEqual([]);
    expect(result.then.stepId).toBe(step.next);
    return 'proceeds';
  }
  expect(result.then).toEqual({ kind: 'hold' });
  return (result.events[0].data as { dueAt: string }).dueAt;
}

describe('wait step', () => {
  it('holds the customer on a timer named after the visit', () => {
    expect(enterWait(wait({ duration: 'PT30M' }), run())).toEqual({
      events: [
        {
          type: 'WaitScheduled',
          data: {
            ...run().ref,
            stepId: 'settle',
            timerId: 'j1_1_c1_1:settle:2',
            dueAt: '2026-03-10T09:30:00.000Z',
            kind: 'wait',
          },
        },
      ],
      then: { kind: 'hold' },
    });
  });

  it('goes on to next when its timer fires, and completes the path without next', () => {
    expect(endWait(wait({ duration: 'P1D' }), run(), 'j1_1_c1_1:settle:2')).toEqual({
      events: [{ type: 'WaitElapsed', data: { ...run().ref, stepId: 'settle', timerId: 'j1_1_c1_1:settle:2' } }],
      then: { kind: 'next', stepId: 'after' },
    });
    const last = endWait({ id: 'settle', type: 'wait', duration: 'P1D' }, run(), 't');
    expect(last.then).toEqual({ kind: 'next', stepId: undefined });
  });

  describe('duration, in the journey time zone across DST (Paris moves to summer time on 2026-03-29)', () => {
    const paris = (now: string) => runAt(new Date(now), { timeZone: 'Europe/Paris' });

    it('counts a day as 24 hours, so the wall clock moves by the DST hour', () => {
      expect(dueAtOf(wait({ duration: 'P1D' }), paris('2026-03-28T12:00:00Z'))).toBe('2026-03-29T12:00:00.000Z');
    });

    it('keeps the local time of day for months', () => {
      // 09:00 CET (UTC+1) a month later is 09:00 CEST (UTC+2).
      expect(dueAtOf(wait({ duration: 'P1M' }), paris('2026-03-15T08:00:00Z'))).toBe('2026-04-15T07:00:00.000Z');
      // And back in autumn: 09:00 CEST in October is 09:00 CET in November.
      expect(dueAtOf(wait({ duration: 'P1M' }), paris('2026-10-15T07:00:00Z'))).toBe('2026-11-15T08:00:00.000Z');
    });

    it('clamps months to the end of the month', () => {
      expect(dueAtOf(wait({ duration: 'P1M' }), paris('2026-01-31T08:00:00Z'))).toBe('2026-02-28T08:00:00.000Z');
    });
  });

  describe('until', () => {
    it('reads a local date-time in the journey zone, on either side of DST', () => {
      const paris = run({ timeZone: 'Europe/Paris' });
      expect(dueAtOf(wait({ until: '2026-03-28T09:00:00' }), paris)).toBe('2026-03-28T08:00:00.000Z');
      expect(dueAtOf(wait({ until: '2026-03-30T09:00:00' }), paris)).toBe('2026-03-30T07:00:00.000Z');
      // 02:30 does not exist on 2026-03-29 in Paris: it moves forward by the gap.
      expect(dueAtOf(wait({ until: '2026-03-29T02:30:00' }), paris)).toBe('2026-03-29T01:30:00.000Z');
    });

    it('takes a date-time with its own offset as it is', () => {
      const paris = run({ timeZone: 'Europe/Paris' });
      expect(dueAtOf(wait({ until: '2026-03-30T09:00:00Z' }), paris)).toBe('2026-03-30T09:00:00.000Z');
      expect(dueAtOf(wait({ until: '2026-03-30T09:00:00-05:00' }), paris)).toBe('2026-03-30T14:00:00.000Z');
    });

    it('proceeds at once when the time is past or now', () => {
      expect(dueAtOf(wait({ until: '2026-03-01T00:00:00' }), run())).toBe('proceeds');
      expect(dueAtOf(wait({ until: '2026-03-10T09:00:00Z' }), run())).toBe('proceeds');
    });

    it('resolves the same step again for another zone', () => {
      const step = wait({ until: '2026-03-30T09:00:00' });
      expect(dueAtOf(step, run({ timeZone: 'Europe/Paris' }))).toBe('2026-03-30T07:00:00.000Z');
      expect(dueAtOf(step, run({ timeZone: 'UTC' }))).toBe('2026-03-30T09:00:00.000Z');
    });
  });

  describe('untilAttribute', () => {
    it('waits until a trigger or profile date-time, shifted by a negative or positive offset', () => {
      const trigger = { appointmentAt: '2026-03-20T10:00:00Z' };
      const onTrigger = wait({ untilAttribute: 'trigger.appointmentAt', offset: '-P1D' });
      expect(dueAtOf(onTrigger, run({ trigger }))).toBe('2026-03-19T10:00:00.000Z');
      const twoHoursBefore = wait({ untilAttribute: 'trigger.appointmentAt', offset: '-PT2H' });
      expect(dueAtOf(twoHoursBefore, run({ trigger }))).toBe('2026-03-20T08:00:00.000Z');
      const onProfile = wait({ untilAttribute: 'profile.renewsAt', offset: 'PT1H' });
      expect(dueAtOf(onProfile, run({ profile: { renewsAt: new Date('2026-04-01T00:00:00Z') } }))).toBe(
        '2026-04-01T01:00:00.000Z',
      );
      expect(
        dueAtOf(wait({ untilAttribute: 'profile.renewsAt' }), run({ profile: { renewsAt: '2026-04-01T00:00' } })),
      ).toBe('2026-04-01T00:00:00.000Z');
    });

    it('proceeds at once when the offset puts the time in the past', () => {
      const step = wait({ untilAttribute: 'trigger.appointmentAt', offset: '-P7D' });
      expect(dueAtOf(step, run({ trigger: { appointmentAt: '2026-03-12T10:00:00Z' } }))).toBe('proceeds');
    });

    it('proceeds at once when the attribute is missing, null or not a date-time', () => {
      const step = wait({ untilAttribute: 'trigger.appointmentAt' });
      expect(dueAtOf(step, run())).toBe('proceeds');
      expect(dueAtOf(step, run({ trigger: { appointmentAt: null } }))).toBe('proceeds');
      expect(dueAtOf(step, run({ trigger: { appointmentAt: 'next tuesday' } }))).toBe('proceeds');
      expect(dueAtOf(step, run({ trigger: { appointmentAt: 1774000000000 } }))).toBe('proceeds');
    });
  });

  it('holds for at most 90 days', () => {
    const capped = new Date(NOW.getTime() + WAIT_MAX_MS).toISOString();
    expect(dueAtOf(wait({ duration: 'P6M' }), run())).toBe(capped);
    expect(dueAtOf(wait({ until: '2027-01-01T00:00:00Z' }), run())).toBe(capped);
    expect(
      dueAtOf(wait({ untilAttribute: 'profile.renewsAt' }), run({ profile: { renewsAt: '2030-01-01T00:00:00Z' } })),
    ).toBe(capped);
    expect(dueAtOf(wait({ duration: 'P90D' }), run())).toBe(capped);
  });

  it('holds on a timer due now when a loop comes back to a wait that is over in the same decision', () => {
    const step = wait({ until: '2026-03-01T00:00:00Z' });
    expect(dueAtOf(step, run({ revisit: true }))).toBe(NOW.toISOString());
  });
});
