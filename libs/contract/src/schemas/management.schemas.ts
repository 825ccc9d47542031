/** Request and response bodies of the management API (journeys, templates, trigger definitions, admin). */
import { LIMITS } from '@journeys/definition';
import { closedObject as closed, list, nonBlankText, nullable, schemaFile as message, type JsonSchema } from './common';

/** Trigger and attribute names: they appear in `trigger.<name>` paths. */
export const TRIGGER_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$';
export const ATTRIBUTE_TYPES = ['text', 'number', 'boolean', 'datetime', 'reference'] as const;
/** The read models `POST /admin/projections/rebuild` can rebuild (the service's PROJECTIONS; a test keeps them equal). */
export const PROJECTION_NAMES = [
  'journey_state',
  'audit_history',
  'trigger_definitions',
  'templates',
  'analytics',
  'customer_progress',
  'settings_audit',
] as const;
export const JOURNEY_STATES = [
  'Draft',
  'Publishing',
  'Live',
  'Live, editing',
  'Paused',
  'Paused, editing',
  'Completing',
  'Completed',
  'Stopping',
  'Stopped',
];

const name = (description: string): JsonSchema => ({
  type: 'string',
  pattern: TRIGGER_NAME_PATTERN,
  description: `1 to 100 letters, digits, ".", "_" or "-", starting with a letter or digit (${description})`,
});
const version = {
  type: 'integer',
  minimum: 1,
  description: 'A version number of the journey; the newest when omitted',
};
export const MANAGEMENT_REQUEST_SCHEMAS: Record<string, JsonSchema> = {
  'trigger-definition-request.json': message(
    'trigger-definition-request.json',
    'CreateTriggerDefinitionRequest',
    "A trigger's typed schema; journeys publish only against Ready ones.",
    closed(
      {
        name: name('The trigger name'),
        description: nullable({ type: 'string', maxLength: LIMITS.descriptionMaxLength }),
        attributes: {
          ...list(
            closed({ name: name('The attribute name'), type: { enum: [...ATTRIBUTE_TYPES] } }, ['name', 'type']),
            'At most 30 attributes, each name once',
            30,
          ),
          uniqueItems: true,
        },
      },
      ['name', 'attributes'],
      {
        examples: [
          {
            name: 'signed-up',
            description: 'A customer created an account',
            attributes: [{ name: 'plan', type: 'text' }],
          },
        ],
      },
    ),
  ),
  'copy-journey-request.json': message(
    'copy-journey-request.json',
    'CopyJourneyRequest',
    'A new journey in Draft with the definition of one version of this one.',
    closed(
      { name: nonBlankText(LIMITS.nameMaxLength, "The new journey's name"), version: nullable(version) },
      ['name'],
      {
        examples: [{ name: 'Welcome series (copy)' }],
      },
    ),
  ),
  'save-as-template-request.json': message(
    'save-as-template-request.json',
    'SaveAsTemplateRequest',
    "An immutable snapshot of one version's definition.",
    closed(
      {
        name: nonBlankText(LIMITS.nameMaxLength, 'Unique among templates (case-insensitive)'),
        description: nullable({ type: 'string', maxLength: LIMITS.descriptionMaxLength }),
        version: nullable(version),
      },
      ['name'],
      { examples: [{ name: 'Welcome template', description: 'Our standard welcome' }] },
    ),
  ),
  'create-from-template-request.json': message(
    'create-from-template-request.json',
    'CreateFromTemplateRequest',
    'A new journey in Draft from a template, with a new name and optional replacements of its audience, schedule, exit and goal.',
    closed(
      {
        name: nonBlankText(LIMITS.nameMaxLength, "The new journey's name"),
        overrides: nullable({ $ref: '#/$defs/templateOverrides' }),
      },
      ['name'],
      {
        examples: [
          {
            name: 'Spring welcome',
            overrides: { schedule: { start: '2027-03-01T09:00:00', timeZone: 'Europe/Paris' } },
          },
        ],
        $defs: {
          templateOverrides: closed(
            {
              audience: { $ref: 'journey-definition.json#/$defs/audience' },
              schedule: { $ref: 'journey-definition.json#/$defs/schedule' },
              exit: { $ref: 'journey-definition.json#/$defs/exitRules' },
              goal: { $ref: 'journey-definition.json#/$defs/goal' },
            },
            [],
            { description: 'Replace these parts of the template' },
          ),
        },
      },
    ),
  ),
  'rebuild-projections-request.json': message(
    'rebuild-projections-request.json',
    'RebuildProjectionsRequest',
    'Drops the named read models (all when `names` is absent) and replays the event store into them.',
    closed({ names: nullable(list({ enum: [...PROJECTION_NAMES] }, 'Projection names')) }, [], {
      examples: [{}, { names: ['analytics'] }],
    }),
  ),
};
