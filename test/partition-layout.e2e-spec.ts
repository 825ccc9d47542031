import { defineTriggers, publish, settle, trigger } from './support/runtime';
import { startTestApp } from './support/test-app';

/** The engine partition count is fixed once the engine has state: another count is refused at start. */
describe('engine partition count on restart (whole app, embedded store)', () => {
  it('refuses to start with another JOURNEYS_PARTITIONS and keeps every customer for the recorded one', async () => {
    const count = process.env.JOURNEYS_PARTITIONS ?? '1';
    const first = await startTestApp({ env: { JOURNEYS_PARTITIONS: count } });
    await defineTriggers(first);
    const id = await publish(first, {
      name: 'Layout',
      audience: { type: 'trigger', trigger: 'signed-up', reentry: { mode: 'always' } },
      steps: [{ id: 'hello', type: 'send', channel: 'email', content: 'hi' }],
    });
    const customers = ['ann', 'bob', 'cid', 'dee', 'eve'];
    await first.request(
      'ingest',
      'POST',
      '/triggers',
      customers.map((c, i) => trigger(`t${i}`, c, 'signed-up')),
    );
    await settle(first);
    await first.close({ keepData: true });

    const other = String(Number(count) + 1);
    await expect(startTestApp({ dataDir: first.dataDir, env: { JOURNEYS_PARTITIONS: other } })).rejects.toThrow(
      `JOURNEYS_PARTITIONS is ${other}, but this store's engine state is split into ${count} partition(s)`,
    );

    const again = await startTestApp({ dataDir: first.dataDir, env: { JOURNEYS_PARTITIONS: count } });
    try {
      await again.request(
        'ingest',
        'POST',
        '/triggers',
        customers.map((c, i) => trigger(`u${i}`, c, 'signed-up')),
      );
      await settle(again);
      const analytics = await again.request('viewer', 'GET', `/journeys/${id}/analytics`);
      expect(analytics.body.versions[0]).toMatchObject({ entered: 10, completed: 10 });
    } finally {
      await again.close();
    }
  });
});
