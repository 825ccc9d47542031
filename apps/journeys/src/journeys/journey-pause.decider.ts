import { addDuration, journeyTimeZone, parseIsoDuration, pauseRules, DEFAULT_PAUSE_RULES } from '@journeys/definition';
import { ActionNotAllowed } from '../common/errors';
import {
  assertAllowed,
  presentVersion,
  versionOrThrow,
  withVersion,
  type JourneyState,
  type JourneyVersion,
} from './journey.decider';
import type { JourneyEvent, JourneyVersionPaused, JourneyVersionResumed } from './journey.events';

/**
 * Pause and resume, the journey decider's part for them (docs/life-cycle.md): a Live version is
 * Paused (nobody enters, no step runs) until a user resumes it, a newer version supersedes it, it is
 * stopped, or its pause reaches the definition's `pause.maxDuration` and ends as `whenExceeded` says.
 * Pure: the time of a pause comes in with the command.
 */

export type PauseCommand =
  /** A user pauses a Live version at `at` (ISO). */
  | { type: 'PauseVersion'; version: number; at: string }
  /** A user resumes a Paused version. */
  | { type: 'ResumeVersion'; version: number }
  /** Automatic: at `at` (ISO) a pause that has reached its maximum ends by itself. */
  | { type: 'EndPause'; version: number; at: string };

/** A Paused version's pause. */
export type VersionPause = Omit<JourneyVersionPaused['data'], 'journeyId' | 'version'>;

export function decidePause(command: PauseCommand, state: JourneyState): JourneyEvent[] {
  switch (command.type) {
    case 'PauseVersion': {
      assertAllowed(state, 'pause');
      const target = { ...versionOrThrow(state, command.version), journeyId: state.journeyId };
      if (target.state !== 'Live') throw notIn(target, 'pause', 'Live');
      const rules = pauseRules(target.definition);
      const maximum = parseIsoDuration(rules.maxDuration) ?? parseIsoDuration(DEFAULT_PAUSE_RULES.maxDuration)!;
      const endsAt = addDuration(new Date(command.at), maximum, journeyTimeZone(target.definition));
      const data = {
        journeyId: target.journeyId,
        version: target.version,
        pausedAt: new Date(command.at).toISOString(),
        endsAt: endsAt.toISOString(),
        whenExceeded: rules.whenExceeded,
      };
      return [{ type: 'JourneyVersionPaused', data }];
    }
    case 'ResumeVersion': {
      assertAllowed(state, 'resume');
      const target = { ...versionOrThrow(state, command.version), journeyId: state.journeyId };
      if (target.state !== 'Paused') throw notIn(target, 'resume', 'Paused');
      return resumed(target, 'resumed');
    }
    case 'EndPause': {
      const target = presentVersion(state, command.version);
      if (target.state !== 'Paused' || !target.pause) return [];
      if (Date.parse(command.at) < Date.parse(target.pause.endsAt)) return [];
      if (target.pause.whenExceeded === 'stop') {
        const data = { journeyId: target.journeyId, version: target.version, reason: 'maxPauseReached' as const };
        return [{ type: 'JourneyVersionStopRequested', data }];
      }
      return resumed(target, 'maxPauseReached');
    }
    default: {
      const unhandled: never = command;
      throw new Error(`Unhandled ${JSON.stringify(unhandled)}`);
    }
  }
}

/** Live again; a version whose segment enrolment finished while it was paused moves on to Completing. */
function resumed(
  target: JourneyVersion & { journeyId: string },
  reason: JourneyVersionResumed['data']['reason'],
): JourneyEvent[] {
  const { journeyId, version } = target;
  const events: JourneyEvent[] = [{ type: 'JourneyVersionResumed', data: { journeyId, version, reason } }];
  if (target.completeOnResume) {
    events.push({ type: 'JourneyVersionCompleting', data: { journeyId, version, reason: target.completeOnResume } });
  }
  return events;
}

function notIn(target: JourneyVersion, action: 'pause' | 'resume', needed: string): ActionNotAllowed {
  return new ActionNotAllowed(
    'ACTION_NOT_ALLOWED',
    `Cannot ${action} version ${target.version} in state ${target.state}; only a ${needed} version can be ${action}d`,
    [{ version: target.version, state: target.state, allowedActions: [] }],
  );
}

export function evolvePause(
  state: JourneyState,
  event: Extract<JourneyEvent, { type: 'JourneyVersionPaused' | 'JourneyVersionResumed' }>,
): JourneyState {
  if (event.type === 'JourneyVersionPaused') {
    const { pausedAt, endsAt, whenExceeded } = event.data;
    return withVersion(state, event.data.version, () => ({
      state: 'Paused',
      pause: { pausedAt, endsAt, whenExceeded },
    }));
  }
  return withVersion(state, event.data.version, () => ({
    state: 'Live',
    pause: undefined,
    completeOnResume: undefined,
  }));
}
