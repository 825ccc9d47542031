import { Inject, Injectable } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import { contractValidator } from '@journeys/contract';
import type { DeliverySettings } from '@journeys/definition';
import type { EventStore } from '@journeys/event-store';
import type { CommandContext } from '../common/command-context';
import { AppError, ValidationFailed } from '../common/errors';
import { EventStreams } from '../infrastructure/event-streams';
import { EVENT_STORE } from '../infrastructure/storage.module';
import {
  decide,
  evolve,
  initialState,
  SETTINGS_AUDIT_STREAM,
  SETTINGS_CHANGE_REFUSED,
  SETTINGS_STREAM,
  type SettingsEvent,
} from './delivery-settings.decider';

/** The body of `PUT /settings` (schema `delivery-settings.json`); null means absent. */
export interface DeliverySettingsRequest {
  consentMode?: DeliverySettings['consentMode'];
  frequencyCaps?: DeliverySettings['frequencyCaps'];
  quietHours?: { start: string; end: string; mode?: 'hold' | 'skip' | null } | null;
}

/** The settings in force, as `GET /settings` answers. */
export type DeliverySettingsView = DeliverySettings & { revision: number; changedAt?: string; changedBy?: string };

/** The request as settings: a field left out takes its default (optIn, no caps, no quiet hours). */
export function settingsOf(body: DeliverySettingsRequest): DeliverySettings {
  const settings: DeliverySettings = {
    consentMode: body.consentMode ?? 'optIn',
    frequencyCaps: (body.frequencyCaps ?? []).map(({ channel, count, period }) => ({ channel, count, period })),
  };
  const quiet = body.quietHours;
  if (quiet) settings.quietHours = { start: quiet.start, end: quiet.end, ...(quiet.mode ? { mode: quiet.mode } : {}) };
  return settings;
}

export class ChangeDeliverySettingsCommand extends Command<DeliverySettingsView> {
  constructor(
    readonly body: unknown,
    readonly context: CommandContext,
    readonly ifMatch?: number,
  ) {
    super();
  }
}

const model = { initialState, evolve };
/** Refusals worth a line in the audit history: the request was understood. */
const AUDITED_REFUSALS = new Set(['invalid', 'stale']);

/** Reads the settings stream: the settings in force, their revision, who changed them last. */
@Injectable()
export class DeliverySettingsReader {
  constructor(@Inject(EVENT_STORE) private readonly store: EventStore) {}

  async current(): Promise<DeliverySettingsView> {
    const events = await this.store.readStream(SETTINGS_STREAM);
    let state = initialState();
    for (const event of events) state = evolve(state, { type: event.type, data: event.data } as SettingsEvent);
    const last = events[events.length - 1];
    return last === undefined
      ? { ...state.settings, revision: -1 }
      : {
          ...state.settings,
          revision: last.revision,
          changedAt: last.metadata.occurredAt,
          changedBy: last.metadata.actor,
        };
  }
}

/**
 * Checks the body (schema, then the decider's rules), decides and appends with the expected revision
 * (If-Match: 412 when another revision is current); every refusal is recorded for the audit history.
 */
@CommandHandler(ChangeDeliverySettingsCommand)
export class ChangeDeliverySettingsHandler implements ICommandHandler<ChangeDeliverySettingsCommand> {
  constructor(
    private readonly streams: EventStreams,
    private readonly reader: DeliverySettingsReader,
  ) {}

  async execute({ body, context, ifMatch }: ChangeDeliverySettingsCommand): Promise<DeliverySettingsView> {
    try {
      const problems = contractValidator().validate('delivery-settings.json', body);
      if (problems.length) throw new ValidationFailed(problems);
      const settings = settingsOf(body as DeliverySettingsRequest);
      await this.streams.handle(
        SETTINGS_STREAM,
        model,
        (state) => decide({ type: 'ChangeDeliverySettings', settings }, state),
        context,
        ifMatch,
      );
      return await this.reader.current();
    } catch (error) {
      if (error instanceof AppError && AUDITED_REFUSALS.has(error.kind)) {
        const data = {
          action: 'changeSettings',
          error: { code: error.code, message: error.message, details: error.details },
        };
        await this.streams.record(SETTINGS_AUDIT_STREAM, [{ type: SETTINGS_CHANGE_REFUSED, data }], context);
      }
      throw error;
    }
  }
}
