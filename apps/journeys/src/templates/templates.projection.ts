import type Database from 'better-sqlite3';
import { documentProjection } from '@journeys/read-models';
import type { TemplateSaved } from './template.events';

export type TemplateView = TemplateSaved['data'] & { createdAt: string; createdBy?: string };

const projection = documentProjection<TemplateView>({
  name: 'templates',
  version: 1,
  eventTypes: ['TemplateSaved'],
  keys: (event) => (event.type === 'TemplateSaved' ? [(event.data as TemplateSaved['data']).templateId] : []),
  // Templates are immutable: the one event is the whole document.
  evolve: (_, event) => ({
    ...(event.data as TemplateSaved['data']),
    createdAt: event.metadata.occurredAt,
    createdBy: event.metadata.actor,
  }),
  columns: { name_key: (t) => t.name.trim().toLowerCase() },
});

/** Every template by id, with a case-insensitive name index for the uniqueness check. */
export const templatesProjection = {
  ...projection,
  nameTaken: (db: Database.Database, name: string) =>
    projection.find(db, { column: 'name_key', value: name.trim().toLowerCase() }).length > 0,
};
