import { parseDefinition, type Problem } from '@journeys/contract';
import type { DefinitionFile } from './definition-files';
import { validateForPublish, type JourneyDefinition, type TriggerDefinitionInfo } from '@journeys/definition';

/** Problems only the server can judge: it alone knows every trigger definition and journey name. */
const SERVER_CODES = new Set([
  'TriggerNotFound',
  'TriggerNotReady',
  'UnknownTriggerAttribute',
  'AttributeTypeMismatch',
  'DuplicateJourneyName',
]);

export interface OfflineResult {
  problems: Problem[];
  /** Why reference checks were skipped, when they were. */
  skipped?: string;
}

/** The triggers a definition names: audience, exits, goal, waitForTrigger and activateTrigger steps. */
export function referencedTriggers(definition: JourneyDefinition): string[] {
  const names = new Set<string>();
  if (definition.audience.type === 'trigger') names.add(definition.audience.trigger);
  definition.exit?.triggers?.forEach((name) => names.add(name));
  if (definition.goal) names.add(definition.goal.trigger);
  for (const step of definition.steps) {
    if (step.type === 'waitForTrigger' || step.type === 'activateTrigger') names.add(step.trigger);
  }
  return [...names].sort();
}

/**
 * The checks publishing runs, without a server: the shape (the JSON Schema), then the graph, limits,
 * schedule and waits. Trigger references are checked too when every trigger the definition names
 * is among `triggers` (read from files); otherwise they are skipped and said so.
 */
export function validateOffline(
  input: unknown,
  triggers: ReadonlyMap<string, TriggerDefinitionInfo>,
  now: Date,
): OfflineResult {
  const parsed = parseDefinition(input);
  if (!parsed.ok) return { problems: parsed.problems };
  const missing = referencedTriggers(parsed.definition).filter((name) => !triggers.has(name));
  const problems = validateForPublish(parsed.definition, { now, triggers, journeyNameTaken: false });
  if (missing.length === 0) return { problems };
  return {
    problems: problems.filter((problem) => !SERVER_CODES.has(problem.code)),
    skipped: `trigger checks skipped: no definition file for ${missing.join(', ')}`,
  };
}

export interface FileValidation extends OfflineResult {
  file: string;
  kind: DefinitionFile['kind'];
}

/** Validates every file; the trigger definition files among them are the triggers journeys may name. */
export function validateFiles(files: readonly DefinitionFile[], now: Date): FileValidation[] {
  const triggers = new Map<string, TriggerDefinitionInfo>();
  for (const file of files) {
    if (file.kind !== 'trigger') continue;
    const attributes = file.body.attributes as TriggerDefinitionInfo['attributes'];
    triggers.set(file.body.name as string, { state: 'Ready', attributes });
  }
  return files.map((file) => {
    if (file.kind === 'journey')
      return { file: file.file, kind: file.kind, ...validateOffline(file.body, triggers, now) };
    return { file: file.file, kind: file.kind, problems: file.kind === 'invalid' ? file.problems : [] };
  });
}
