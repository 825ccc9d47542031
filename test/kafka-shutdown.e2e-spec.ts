import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describeKafka } from '../libs/testing/src/kafka-broker';
import { kafkaTestSettings } from './support/kafka-app';
import { freePort, kill, startService } from './support/service-process';

/** kafkajs' default session timeout: a SIGKILLed member stays in its groups this long. */
const SESSION_TIMEOUT_MS = 30_000;

describeKafka('shutdown after a crash (real service process, real broker)', () => {
  it('a service restarted after a SIGKILL stops on SIGTERM without waiting for the dead member’s session', async () => {
    const settings = kafkaTestSettings();
    const dataDir = mkdtempSync(join(tmpdir(), 'journeys-shutdown-'));
    const port = await freePort();
    let service: ChildProcess | undefined;
    try {
      service = await startService(dataDir, port, settings.env);
      await consumers(port, 'running');
      await kill(service, 'SIGKILL');

      // The new member's join waits for the dead one's session to end; SIGTERM comes meanwhile.
      service = await startService(dataDir, port, settings.env);
      await consumers(port, 'starting');
      await new Promise((r) => setTimeout(r, 2_000));
      const started = Date.now();
      const [code, signal] = await kill(service, 'SIGTERM');
      const took = Date.now() - started;
      expect(code === 0 || signal === 'SIGTERM').toBe(true);
      expect(took).toBeLessThan(SESSION_TIMEOUT_MS / 2);
    } finally {
      if (service) await kill(service);
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 90_000);
});

/** Waits until every consumer of the service is in `state` (`starting`: connected, joining its group). */
async function consumers(port: number, state: 'starting' | 'running'): Promise<void> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const health = (await (await fetch(`http://127.0.0.1:${port}/health`)).json()) as {
      kafka?: { consumers: { state: string }[] };
    };
    // commands, triggers, segments, consent
    if (health.kafka?.consumers.length === 4 && health.kafka.consumers.every((c) => c.state === state)) return;
    if (Date.now() > deadline) throw new Error(`consumers not ${state}: ${JSON.stringify(health.kafka)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
