import { ManualClock, startTestApp, type TestApp } from './support/test-app';

/**
 * The delivery settings of issue 16 over HTTP: the service's defaults, a change by an admin, the
 * refusals, and the audit history.
 */
describe('delivery controls over HTTP', () => {
  let t: TestApp;
  let clock: ManualClock;
  beforeEach(async () => {
    clock = new ManualClock(new Date('2026-11-28T10:00:00Z'));
    t = await startTestApp({ clock });
  });
  afterEach(() => t.close());

  describe('delivery settings', () => {
    it('are opt-in with no caps until changed, audited with every refusal, and matched by If-Match', async () => {
      const initial = await t.request('viewer', 'GET', '/settings');
      expect(initial.body).toEqual({ consentMode: 'optIn', frequencyCaps: [], revision: -1 });
      expect(initial.headers.etag).toBeUndefined();
      const settings = {
        consentMode: 'optOut',
        frequencyCaps: [{ channel: 'sms', count: 2, period: 'P7D' }],
        quietHours: { start: '21:00', end: '08:00', mode: 'skip' },
      };
      expect((await t.request('editor', 'PUT', '/settings', settings)).status).toBe(403);
      const changed = await t.request('admin', 'PUT', '/settings', settings);
      expect(changed.status).toBe(200);
      expect(changed.headers.etag).toBe('"0"');
      expect(changed.body).toEqual({
        ...settings,
        revision: 0,
        changedAt: '2026-11-28T10:00:00.000Z',
        changedBy: 'ops',
      });
      // The same settings again store nothing; a stale If-Match and bad settings are refused.
      expect((await t.request('admin', 'PUT', '/settings', settings, { 'if-match': '"0"' })).body.revision).toBe(0);
      expect(
        (await t.request('admin', 'PUT', '/settings', { consentMode: 'optIn' }, { 'if-match': '"3"' })).status,
      ).toBe(412);
      const bad = await t.request('admin', 'PUT', '/settings', {
        frequencyCaps: [
          { channel: 'email', count: 1, period: 'P1M' },
          { channel: 'sms', count: 1, period: 'P1D' },
          { channel: 'sms', count: 3, period: 'PT24H' },
        ],
        quietHours: { start: '22:00', end: '22:00' },
      });
      expect(bad.status).toBe(400);
      expect(bad.body.error.details.map((d: { code: string; path: string }) => `${d.code} ${d.path}`)).toEqual([
        'InvalidDuration $.frequencyCaps[0].period',
        'DuplicateFrequencyCap $.frequencyCaps[2]',
        'InvalidQuietHours $.quietHours.end',
      ]);
      const audit = (await t.request('viewer', 'GET', '/settings/audit-history?limit=2')).body;
      expect(audit.entries.map((e: { outcome: string; revision?: number }) => [e.outcome, e.revision])).toEqual([
        ['accepted', 0],
        ['refused', undefined],
      ]);
      expect(audit.entries[1].details.error.code).toBe('STALE_REVISION');
      const rest = (await t.request('viewer', 'GET', `/settings/audit-history?after=${audit.next}`)).body;
      expect(rest.entries.map((e: { details: { error: { code: string } } }) => e.details.error.code)).toEqual([
        'VALIDATION_FAILED',
      ]);
    });
  });
});
