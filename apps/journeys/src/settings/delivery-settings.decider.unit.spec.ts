import { DEFAULT_DELIVERY_SETTINGS, type DeliverySettings } from '@journeys/definition';
import { deciderSpec } from '@journeys/testing/decider-spec';
import {
  decide,
  evolve,
  initialState,
  type SettingsCommand,
  type SettingsEvent,
  type SettingsState,
} from './delivery-settings.decider';

const given = deciderSpec<SettingsCommand, SettingsEvent, SettingsState>({ decide, evolve, initialState });
const change = (settings: DeliverySettings): SettingsCommand => ({ type: 'ChangeDeliverySettings', settings });
const caps: DeliverySettings = {
  ...DEFAULT_DELIVERY_SETTINGS,
  frequencyCaps: [{ channel: 'email', count: 3, period: 'P7D' }],
};

describe('delivery settings decider', () => {
  it('given nothing stored, the settings are opt-in, no caps, no quiet hours', () => {
    expect(given().state.settings).toEqual({ consentMode: 'optIn', frequencyCaps: [] });
  });

  it('given the defaults, when caps are set, then DeliverySettingsChanged names the field that changed', () => {
    given()
      .when(change(caps))
      .then([{ type: 'DeliverySettingsChanged', data: { settings: caps, changed: ['frequencyCaps'] } }]);
  });

  it('given caps, when the same settings are sent again, then nothing is stored', () => {
    given({ type: 'DeliverySettingsChanged', data: { settings: caps, changed: ['frequencyCaps'] } })
      .when(change({ ...caps }))
      .then([]);
  });

  it('given caps, when opt-out and quiet hours replace them, then all three fields changed', () => {
    const next: DeliverySettings = {
      consentMode: 'optOut',
      frequencyCaps: [],
      quietHours: { start: '21:00', end: '08:00', mode: 'skip' },
    };
    given({ type: 'DeliverySettingsChanged', data: { settings: caps, changed: ['frequencyCaps'] } })
      .when(change(next))
      .then([
        {
          type: 'DeliverySettingsChanged',
          data: { settings: next, changed: ['consentMode', 'frequencyCaps', 'quietHours'] },
        },
      ]);
  });

  it('refuses every problem at once: a calendar period, one too long, a duplicate, quiet hours without length', () => {
    given()
      .when(
        change({
          consentMode: 'optIn',
          frequencyCaps: [
            { channel: 'email', count: 1, period: 'P1M' },
            { channel: 'sms', count: 1, period: 'P60D' },
            { channel: 'push', count: 1, period: 'P1D' },
            { channel: 'push', count: 5, period: 'PT24H' },
          ],
          quietHours: { start: '22:00', end: '22:00' },
        }),
      )
      .thenThrows({
        code: 'VALIDATION_FAILED',
        details: [
          expect.objectContaining({ code: 'InvalidDuration', path: '$.frequencyCaps[0].period' }),
          expect.objectContaining({ code: 'InvalidFrequencyCap', path: '$.frequencyCaps[1].period' }),
          expect.objectContaining({ code: 'DuplicateFrequencyCap', path: '$.frequencyCaps[3]' }),
          expect.objectContaining({ code: 'InvalidQuietHours', path: '$.quietHours.end' }),
        ],
      });
  });
});
