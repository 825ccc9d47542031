import type { JourneysClient, Schemas } from '@journeys/client';
import { parseDefinition } from '@journeys/contract';
import { canonicalJson } from '../journeys/draft-changes';
import type { DefinitionFile } from './definition-files';
import { CliError, journeyNamed, ok, versionDefinition } from './remote';

export type Outcome = 'created' | 'updated' | 'unchanged' | 'refused';

export interface ApplyResult {
  file: string;
  kind: 'journey' | 'trigger';
  name: string;
  outcome: Outcome;
  id?: string;
  state?: string;
  problems?: unknown[];
  message?: string;
}

/**
 * Makes the service hold what the files say, by name: a missing trigger definition is created and
 * marked Ready; a missing journey is created; a journey whose draft (or Live version) differs gets
 * the file as its draft (a Live one is edited first). Applying the same files again changes nothing.
 */
export async function apply(client: JourneysClient, files: readonly DefinitionFile[]): Promise<ApplyResult[]> {
  const results: ApplyResult[] = [];
  // Trigger definitions first: journeys name them.
  for (const file of [...files].sort((a, b) => Number(b.kind === 'trigger') - Number(a.kind === 'trigger'))) {
    if (file.kind === 'invalid') {
      results.push({ file: file.file, kind: 'journey', name: '', outcome: 'refused', problems: file.problems });
    } else if (file.kind === 'trigger') {
      results.push(await applyTrigger(client, file.file, file.body as Schemas['CreateTriggerDefinitionRequest']));
    } else {
      results.push(await applyJourney(client, file.file, file.body));
    }
  }
  return results;
}

async function applyTrigger(
  client: JourneysClient,
  file: string,
  body: Schemas['CreateTriggerDefinitionRequest'],
): Promise<ApplyResult> {
  const result = { file, kind: 'trigger' as const, name: body.name };
  const existing = await client.GET('/trigger-definitions/{name}', { params: { path: { name: body.name } } });
  let outcome: Outcome = 'unchanged';
  if (existing.response.status === 404) {
    ok(await client.POST('/trigger-definitions', { body }), `Create trigger definition ${body.name}`);
    outcome = 'created';
  } else {
    const current = ok(existing, `Get trigger definition ${body.name}`);
    if (canonicalJson(current.attributes) !== canonicalJson(body.attributes)) {
      return {
        ...result,
        outcome: 'refused',
        message: 'a trigger definition cannot change once created; use a new name',
      };
    }
  }
  if (existing.data?.status !== 'Ready') {
    const ready = ok(
      await client.POST('/trigger-definitions/{name}/ready', { params: { path: { name: body.name } } }),
      `Mark ${body.name} Ready`,
    );
    return { ...result, outcome: outcome === 'created' ? 'created' : 'updated', state: ready.state };
  }
  return { ...result, outcome, state: 'Ready' };
}

async function applyJourney(client: JourneysClient, file: string, body: Record<string, unknown>): Promise<ApplyResult> {
  const parsed = parseDefinition(body);
  const name = typeof body.name === 'string' ? body.name : '';
  if (!parsed.ok) return { file, kind: 'journey', name, outcome: 'refused', problems: parsed.problems };
  const definition = parsed.definition as Schemas['JourneyDefinition'];
  const result = { file, kind: 'journey' as const, name: definition.name };
  const journey = await journeyNamed(client, definition.name);
  if (!journey) {
    const created = ok(await client.POST('/journeys', { body: definition }), `Create ${definition.name}`);
    return { ...result, outcome: 'created', id: created.id, state: created.state };
  }
  const newest = journey.versions[journey.versions.length - 1];
  const current = await versionDefinition(client, journey.id, newest.version);
  if (canonicalJson(current) === canonicalJson(definition)) {
    return { ...result, outcome: 'unchanged', id: journey.id, state: journey.state };
  }
  let revision = journey.revision;
  if (newest.state !== 'Draft') {
    if (newest.state !== 'Live') {
      throw new CliError(`${definition.name} is ${journey.state}: a new draft needs a Live or Draft journey`);
    }
    revision = ok(
      await client.POST('/journeys/{id}/edit', { params: { path: { id: journey.id } } }),
      `Edit ${definition.name}`,
    ).revision;
  }
  const updated = ok(
    await client.PUT('/journeys/{id}/draft', {
      params: { path: { id: journey.id }, header: { 'If-Match': `"${revision}"` } },
      body: definition,
    }),
    `Update the draft of ${definition.name}`,
  );
  return { ...result, outcome: 'updated', id: journey.id, state: updated.state };
}
