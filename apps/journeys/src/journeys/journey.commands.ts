import { Command } from '@nestjs/cqrs';
import type { JourneyDefinition } from '@journeys/definition';
import type { CommandContext } from '../common/command-context';
import type { DisplayState } from './journey.decider';

/** What every journey command answers: the journey's id, displayed state and revision (ETag). */
export interface JourneyResult {
  id: string;
  state: DisplayState;
  revision: number;
  version?: number;
}

export class CreateJourneyCommand extends Command<JourneyResult> {
  constructor(
    readonly definition: JourneyDefinition,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class UpdateDraftCommand extends Command<JourneyResult> {
  constructor(
    readonly journeyId: string,
    /** The request body; parsed by the handler so that a refused shape is audited too. */
    readonly body: unknown,
    readonly context: CommandContext,
    /** The revision from If-Match, when the caller sent one. */
    readonly ifMatch?: number,
  ) {
    super();
  }
}

type SimpleAction = 'PublishJourney' | 'EditJourney' | 'DiscardDraft';

/** Publish, edit and discard take nothing but the journey. */
export class JourneyActionCommand extends Command<JourneyResult> {
  constructor(
    readonly action: SimpleAction,
    readonly journeyId: string,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class StopVersionCommand extends Command<JourneyResult> {
  constructor(
    readonly journeyId: string,
    readonly version: number,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Pause or resume one version (`POST /journeys/{id}/versions/{v}/pause` and `/resume`). */
export class VersionActionCommand extends Command<JourneyResult> {
  constructor(
    readonly action: 'PauseVersion' | 'ResumeVersion',
    readonly journeyId: string,
    readonly version: number,
    readonly context: CommandContext,
  ) {
    super();
  }
}

export class CopyJourneyCommand extends Command<JourneyResult> {
  constructor(
    readonly journeyId: string,
    readonly name: string,
    readonly context: CommandContext,
    readonly version?: number,
  ) {
    super();
  }
}

export class SaveAsTemplateCommand extends Command<{ id: string; name: string }> {
  constructor(
    readonly journeyId: string,
    readonly template: { name: string; description?: string; version?: number },
    readonly context: CommandContext,
  ) {
    super();
  }
}

export type TemplateOverrides = Partial<Pick<JourneyDefinition, 'audience' | 'schedule' | 'exit' | 'goal'>>;

export class CreateJourneyFromTemplateCommand extends Command<JourneyResult> {
  constructor(
    readonly templateId: string,
    readonly name: string,
    readonly overrides: TemplateOverrides,
    readonly context: CommandContext,
  ) {
    super();
  }
}

/** Life-cycle moves the runtime makes (actor `system`). */
export class AutomaticMoveCommand extends Command<JourneyResult> {
  constructor(
    readonly journeyId: string,
    readonly move: Extract<
      import('./journey.decider').JourneyCommand,
      {
        type:
          | 'CompleteVersion'
          | 'MarkVersionCompleted'
          | 'MarkVersionStopped'
          | 'AcknowledgePartition'
          | 'EndPause'
          | 'ReportExperiment';
      }
    >,
    readonly context: CommandContext,
  ) {
    super();
  }
}
