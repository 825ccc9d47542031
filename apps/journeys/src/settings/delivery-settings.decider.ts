import { checkDeliverySettings, DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from '@journeys/definition';
import { ValidationFailed } from '../common/errors';

/**
 * The service's delivery settings (stream `settings-delivery`): the consent mode, frequency caps and
 * default quiet hours every journey runs under. `decide(command, state) -> events`,
 * `evolve(state, event) -> state`. Every partition of the engine follows the events in store order,
 * so a send is decided under the settings stored before its cause.
 */
export const SETTINGS_STREAM = 'settings-delivery';
/** Refused changes, for the audit history; apart so that a refusal never moves the settings' revision. */
export const SETTINGS_AUDIT_STREAM = 'settingsAudit-delivery';
export const DELIVERY_SETTINGS_CHANGED = 'DeliverySettingsChanged';
export const SETTINGS_CHANGE_REFUSED = 'SettingsChangeRefused';

export type DeliverySettingsChanged = {
  type: 'DeliverySettingsChanged';
  data: { settings: DeliverySettings; changed: SettingsField[] };
};
export type SettingsEvent = DeliverySettingsChanged;

export type SettingsChangeRefused = {
  type: 'SettingsChangeRefused';
  data: { action: 'changeSettings'; error: { code: string; message: string; details: readonly unknown[] } };
};

export const SETTINGS_FIELDS = ['consentMode', 'frequencyCaps', 'quietHours'] as const;
export type SettingsField = (typeof SETTINGS_FIELDS)[number];

export interface SettingsState {
  settings: DeliverySettings;
}

/** Replaces the whole of the settings (a field left out of the request already has its default here). */
export type SettingsCommand = { type: 'ChangeDeliverySettings'; settings: DeliverySettings };

export const initialState = (): SettingsState => ({ settings: DEFAULT_DELIVERY_SETTINGS });

/**
 * Refuses settings that break a rule beyond their schema (every problem at once, 400); settings
 * equal to the current ones change nothing and store nothing.
 */
export function decide(command: SettingsCommand, state: SettingsState): SettingsEvent[] {
  switch (command.type) {
    case 'ChangeDeliverySettings': {
      const problems = checkDeliverySettings(command.settings);
      if (problems.length) throw new ValidationFailed(problems);
      const changed = SETTINGS_FIELDS.filter(
        (field) => JSON.stringify(command.settings[field]) !== JSON.stringify(state.settings[field]),
      );
      return changed.length ? [{ type: 'DeliverySettingsChanged', data: { settings: command.settings, changed } }] : [];
    }
    default: {
      const unhandled: never = command.type;
      throw new Error(`Unhandled ${JSON.stringify(unhandled)}`);
    }
  }
}

export function evolve(state: SettingsState, event: SettingsEvent): SettingsState {
  switch (event.type) {
    case 'DeliverySettingsChanged':
      return { settings: event.data.settings };
    default: {
      const unhandled: never = event.type;
      throw new Error(`Unhandled ${JSON.stringify(unhandled)}`);
    }
  }
}
