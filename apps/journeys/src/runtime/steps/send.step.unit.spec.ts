import type { SendStep } from '@journeys/definition';
import { requestAction } from './send.step';
import { REF as ref, stepRun } from './testing/step-run.fixture';

const run = stepRun;
const welcome: SendStep = { id: 'welcome', type: 'send', channel: 'email', content: 'welcome', next: 'settle' };

describe('send step', () => {
  it('requests the message with a stable actionId and the trigger attributes, then moves on', () => {
    const trigger = { plan: 'pro', country: 'US' };
    expect(requestAction(welcome, run({ trigger }))).toEqual({
      events: [
        {
          type: 'ActionRequested',
          data: {
            ...ref,
            actionId: 'j1_1_c1_1:welcome',
            stepId: 'welcome',
            channel: 'email',
            content: 'welcome',
            attributes: { plan: 'pro', country: 'US' },
          },
        },
      ],
      then: { kind: 'next', stepId: 'settle' },
    });
  });

  it('leaves expiresAt out without expires, and ends the path without next', () => {
    const result = requestAction({ id: 'last', type: 'send', channel: 'sms', content: 'bye' }, run());
    expect(result.events[0].data).not.toHaveProperty('expiresAt');
    expect(result.then).toEqual({ kind: 'next', stepId: undefined });
  });

  it('expires after `expires`, months on the calendar of the journey zone', () => {
    const inHalfADay = requestAction({ ...welcome, expires: 'PT12H' }, run()).events[0].data;
    expect(inHalfADay).toMatchObject({ expiresAt: '2026-03-10T21:00:00.000Z' });
    // 10:00 in Paris before the DST change stays 10:00 after it: one hour less in UTC.
    const inAMonth = requestAction({ ...welcome, expires: 'P1M' }, run({ timeZone: 'Europe/Paris' })).events[0].data;
    expect(inAMonth).toMatchObject({ expiresAt: '2026-04-10T08:00:00.000Z' });
  });

  it('gives a message sent again by a loop its own actionId, named after the visit', () => {
    const again = run({ actions: { welcome: 'j1_1_c1_1:welcome' }, visit: 7 });
    expect(requestAction(welcome, again).events[0].data).toMatchObject({ actionId: 'j1_1_c1_1:welcome:7' });
    const sameDecision = run({ revisit: true, visit: 4 });
    expect(requestAction(welcome, sameDecision).events[0].data).toMatchObject({ actionId: 'j1_1_c1_1:welcome:4' });
  });
});
