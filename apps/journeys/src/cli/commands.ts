import type { JourneysClient } from '@journeys/client';
import { parseDefinition } from '@journeys/contract';
import type { JourneyDefinition } from '@journeys/definition';
import { summarizeDraftChanges } from '../journeys/draft-changes';
import type { DraftChanges } from '../journeys/journey.events';
import { CliError, journeyNamed, ok, versionDefinition, type Journey } from './remote';

export interface DiffResult {
  name: string;
  id?: string;
  /** The Live version compared with; none when the journey does not exist or has no Live version. */
  liveVersion?: number;
  changes: DraftChanges;
  same: boolean;
}

/** The file against the Live version of the journey of the same name: steps added, removed, changed; fields changed. */
export async function diff(client: JourneysClient, body: unknown): Promise<DiffResult> {
  const parsed = parseDefinition(body);
  if (!parsed.ok) throw new CliError('The file is not a valid journey definition', parsed.problems);
  const definition = parsed.definition;
  const journey = await journeyNamed(client, definition.name);
  const live = journey?.versions.find((v) => v.state === 'Live');
  const before: JourneyDefinition = live
    ? ((await versionDefinition(client, journey!.id, live.version)) as JourneyDefinition)
    : { name: definition.name, audience: definition.audience, steps: [] };
  const changes = summarizeDraftChanges(before, definition);
  const same = Object.values(changes).every((list) => list.length === 0);
  return { name: definition.name, id: journey?.id, liveVersion: live?.version, changes, same };
}

/** The definition of a journey's version (the newest by default), as a file would hold it. */
export async function exportDefinition(client: JourneysClient, idOrName: string, version?: number) {
  const journey = await journeyByIdOrName(client, idOrName);
  const chosen = version ?? journey.versions[journey.versions.length - 1].version;
  return versionDefinition(client, journey.id, chosen);
}

/** Publishes the draft of the journey of that name; refused with every validation error when it stays a Draft. */
export async function publish(client: JourneysClient, name: string): Promise<Journey> {
  const journey = await journeyByIdOrName(client, name);
  const published = ok(
    await client.POST('/journeys/{id}/publish', { params: { path: { id: journey.id } } }),
    `Publish ${name}`,
  );
  const newest = published.versions[published.versions.length - 1];
  if (newest.state === 'Draft') {
    throw new CliError(`${journey.name} stays a Draft: publishing found problems`, newest.validationErrors ?? []);
  }
  return published;
}

/** Every journey (name, state, revision), or one journey with its versions. */
export async function status(client: JourneysClient, name?: string) {
  if (name !== undefined) return journeyByIdOrName(client, name);
  return ok(await client.GET('/journeys'), 'List journeys').journeys;
}

async function journeyByIdOrName(client: JourneysClient, idOrName: string): Promise<Journey> {
  const byId = await client.GET('/journeys/{id}', { params: { path: { id: idOrName } } });
  if (byId.data) return byId.data;
  const byName = await journeyNamed(client, idOrName);
  if (!byName) throw new CliError(`No journey with the id or name ${idOrName}`);
  return byName;
}
