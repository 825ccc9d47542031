import { loyaltyDigestJourneyExample, welcomeJourneyExample } from '@journeys/definition/examples';
import { blockedReason, decisionText } from './decisions';
import { href, parseRoute, type Route } from './router';
import { problemsByStep } from './validation';
import { abilitiesOf } from './session';

describe('decisionText', () => {
  it('names the branch taken and the condition that held, from the version definition', () => {
    const line = { stepId: 'by-order-size', at: 't', event: 'BranchTaken', details: { branch: 0, next: 'thanks-big' } };
    expect(decisionText(line, welcomeJourneyExample)).toBe('branch 1 taken: trigger.amount gte 100 held → thanks-big');
    expect(decisionText(line)).toBe('branch 1 taken → thanks-big');
    expect(decisionText({ ...line, details: { branch: 'otherwise', next: 'thanks' } }, welcomeJourneyExample)).toBe(
      'no branch condition held: otherwise → thanks',
    );
  });

  it('explains splits, skipped sends, exits and blocked entries', () => {
    const split = { stepId: 'channel-test', at: 't', event: 'SplitAssigned', details: { branch: 2, next: null } };
    expect(decisionText(split, loyaltyDigestJourneyExample)).toBe(
      'split branch 3 (weight 10 of 100), sticky for this customer completes the journey',
    );
    expect(decisionText({ at: 't', event: 'ActionCancelled', details: { reason: 'versionStopped' } })).toBe(
      'send skipped: the version was stopped before the message was handed out',
    );
    expect(decisionText({ at: 't', event: 'CustomerExited', details: { reason: 'exitSegment' } })).toBe(
      'exited: joined an exit segment',
    );
    expect(blockedReason({ version: 1, at: 't', reason: 'reentryBlocked', triggerId: 'x3' })).toBe(
      "the journey's re-entry rule does not allow another entry (trigger x3)",
    );
  });
});

describe('problemsByStep', () => {
  it('puts a problem on the step its path points into, and the others on the journey', () => {
    const { byStep, journey } = problemsByStep(
      [
        { code: 'UnknownStep', path: '$.steps[1].next', message: 'no step nowhere' },
        { code: 'TriggerNotReady', path: '$.audience.trigger', message: 'not ready' },
        { code: 'UnknownStep', path: '$.steps[9].next', message: 'beyond the steps' },
      ],
      welcomeJourneyExample,
    );
    expect([...byStep.keys()]).toEqual(['settle']);
    expect(journey.map((p) => p.code)).toEqual(['TriggerNotReady', 'UnknownStep']);
  });
});

describe('routes and roles', () => {
  it('reads back every address it writes', () => {
    const routes: Route[] = [
      { page: 'journeys' },
      { page: 'journeys', state: 'Live, editing' },
      { page: 'journey', id: 'a/b c' },
      { page: 'journey', id: 'j1', version: 3 },
      { page: 'edit', id: 'j1' },
      { page: 'new' },
      { page: 'audit', id: 'j1', after: '40' },
      { page: 'customer', customerId: 'ann@example.com' },
      { page: 'triggers' },
      { page: 'templates' },
    ];
    for (const route of routes) expect(parseRoute(href(route))).toEqual(route);
    expect(parseRoute('#/nowhere')).toEqual({ page: 'journeys' });
  });

  it('offers writing to editors and admins only, and nothing to the ingest role', () => {
    expect(abilitiesOf('admin')).toEqual({ read: true, write: true });
    expect(abilitiesOf('editor')).toEqual({ read: true, write: true });
    expect(abilitiesOf('viewer')).toEqual({ read: true, write: false });
    expect(abilitiesOf('ingest')).toEqual({ read: false, write: false });
  });
});
