import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { loadConfig } from '../apps/journeys/src/config/app-config';
import { startTestApp, type TestApp } from './support/test-app';

/** Parsed YAML, read by path: a wrong path fails the assertion that reads it. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Resource = Record<string, any>;

/** Every resource kustomize applies from deploy/kubernetes, by kind. */
function manifests(): Map<string, Resource> {
  const dir = join(__dirname, '..', 'deploy', 'kubernetes');
  const read = (file: string) => parseAllDocuments(readFileSync(join(dir, file), 'utf8')).map((d) => d.toJS());
  const [kustomization] = read('kustomization.yaml');
  return new Map((kustomization.resources as string[]).flatMap(read).map((r) => [r.kind as string, r]));
}

describe('the Kubernetes manifests', () => {
  const byKind = manifests();
  const deployment = byKind.get('Deployment')!;
  const container = deployment.spec.template.spec.containers[0];
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(() => app.close());

  it('run three replicas that a disruption takes one at a time', () => {
    expect(deployment.spec.replicas).toBe(3);
    const pdb = byKind.get('PodDisruptionBudget')!;
    expect(pdb.spec.maxUnavailable).toBe(1);
    expect(pdb.spec.selector.matchLabels).toEqual(deployment.spec.template.metadata.labels);
    expect(byKind.get('Service')!.spec.selector).toEqual(deployment.spec.template.metadata.labels);
  });

  it('give the service settings it accepts: EventStoreDB, Kafka and the engine partitions', () => {
    const env = { ...byKind.get('ConfigMap')!.data, ...byKind.get('Secret')!.stringData };
    const config = loadConfig(env);
    expect(config.eventStoreConnectionString).toMatch(/^esdb:\/\//);
    expect(config.kafkaBrokers.length).toBeGreaterThan(0);
    expect(config.partitions).toBeGreaterThanOrEqual(deployment.spec.replicas);
    // Every setting is one the service reads (a misspelt name would be silently ignored).
    const sources = ['config/app-config.ts', 'logging/log-options.ts']
      .map((file) => readFileSync(join(__dirname, '..', 'apps/journeys/src', file), 'utf8'))
      .join('\n');
    for (const name of Object.keys(env))
      expect({ name, read: sources.includes(`'${name}'`) }).toEqual({ name, read: true });
  });

  it('probe the routes the service answers: readiness on /health/ready, liveness on /health/live', async () => {
    expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
    expect(container.livenessProbe.httpGet.path).toBe('/health/live');
    for (const probe of [container.readinessProbe, container.livenessProbe]) {
      expect(probe.httpGet.port).toBe(container.ports[0].name);
      expect((await app.request(undefined, 'GET', probe.httpGet.path)).status).toBe(200);
    }
  });
});
