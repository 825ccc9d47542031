import { Injectable } from '@nestjs/common';
import { ReadModelStore } from '@journeys/read-models';
import type { CommandContext } from '../common/command-context';
import { ActionNotAllowed, AppError, NotFound } from '../common/errors';
import { EventStreams } from '../infrastructure/event-streams';
import { displayState, evolve, initialState, type JourneyState } from './journey.decider';
import { JOURNEY_AUDIT_CATEGORY, JOURNEY_CATEGORY, type JourneyAction, type JourneyEvent } from './journey.events';
import type { JourneyResult } from './journey.commands';
import { journeyStateProjection, nameKey } from './projections/journey-state.projection';

export const journeyModel = { initialState, evolve };
export const journeyStream = (journeyId: string) => `${JOURNEY_CATEGORY}-${journeyId}`;
export type PresentJourney = Extract<JourneyState, { status: 'present' }>;

/** Refusals worth a line in the audit history: the journey exists and the request was understood. */
const AUDITED_REFUSALS = new Set(['invalid', 'conflict', 'stale']);

/** Runs journey commands and records every refusal in the journey's audit stream. */
@Injectable()
export class JourneyCommandService {
  constructor(
    private readonly streams: EventStreams,
    private readonly readModels: ReadModelStore,
  ) {}

  async load(journeyId: string): Promise<{ state: PresentJourney; revision: number }> {
    const { state, revision } = await this.streams.load(journeyStream(journeyId), journeyModel);
    if (state.status === 'absent') throw journeyNotFound(journeyId);
    return { state, revision };
  }

  /** Decides against the current state and appends; a refusal is recorded, then rethrown. */
  async run(
    journeyId: string,
    action: JourneyAction | undefined,
    decide: (state: PresentJourney) => JourneyEvent[],
    context: CommandContext,
    options: { ifMatch?: number; version?: number; checkInput?: () => void } = {},
  ): Promise<JourneyResult> {
    try {
      // Bad input is a 400 and a journey that does not exist a 404, whatever If-Match says.
      options.checkInput?.();
      if (options.ifMatch !== undefined) await this.load(journeyId);
      const result = await this.streams.handle(
        journeyStream(journeyId),
        journeyModel,
        (state) => {
          if (state.status === 'absent') throw journeyNotFound(journeyId);
          return decide(state);
        },
        context,
        options.ifMatch,
      );
      return summary(result.state as PresentJourney, result.revision);
    } catch (error) {
      if (action) await this.recordRefusal(journeyId, action, options.version, error, context);
      throw error;
    }
  }

  async recordRefusal(
    journeyId: string,
    action: JourneyAction,
    version: number | undefined,
    error: unknown,
    context: CommandContext,
  ): Promise<void> {
    if (!(error instanceof AppError) || !AUDITED_REFUSALS.has(error.kind)) return;
    await this.streams.record(
      `${JOURNEY_AUDIT_CATEGORY}-${journeyId}`,
      [
        {
          type: 'JourneyCommandRefused',
          data: {
            journeyId,
            action,
            version,
            error: { code: error.code, message: error.message, details: error.details },
          },
        },
      ],
      context,
    );
  }

  /** Journey names are unique (case-insensitive); checked on the journey-state read model. */
  assertNameFree(name: string, exceptJourneyId?: string): void {
    if (this.nameTaken(name, exceptJourneyId)) {
      throw new ActionNotAllowed('DuplicateJourneyName', `A journey named "${name}" already exists`, [
        { code: 'DuplicateJourneyName', path: '$.name', message: `A journey named "${name}" already exists` },
      ]);
    }
  }

  nameTaken(name: string, exceptJourneyId?: string): boolean {
    return journeyStateProjection
      .find(this.readModels.db, { column: 'name_key', value: nameKey(name) })
      .some((j) => j.id !== exceptJourneyId);
  }
}

export function summary(state: PresentJourney, revision: number): JourneyResult {
  return { id: state.journeyId, state: displayState(state), revision };
}

export function journeyNotFound(journeyId: string): NotFound {
  return new NotFound('JOURNEY_NOT_FOUND', `No journey with id ${journeyId}`);
}
