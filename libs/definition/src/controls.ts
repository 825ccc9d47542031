/**
 * Delivery controls of a journey version that the engine enforces beyond its steps (issue 16):
 * pausing. Each is part of the definition, checked at publish (`validate-controls.ts`) and read by
 * the engine's pure rules.
 */
import type { JourneyDefinition } from './journey-definition';

/**
 * How long a version may stay paused, and how a pause that lasts that long ends by itself. Default
 * `{ "maxDuration": "P21D", "whenExceeded": "resume" }` (Dynamics 365 allows 21 days; Adobe Journey
 * Optimizer resumes at the end of the pause period).
 */
export interface PauseRules {
  /** An ISO 8601 duration, positive and at most 90 days. */
  maxDuration?: string;
  /** `resume` (default): the version goes Live again; `stop`: it is stopped as a user's stop would. */
  whenExceeded?: 'resume' | 'stop';
}

export const DEFAULT_PAUSE_RULES: Required<PauseRules> = Object.freeze({ maxDuration: 'P21D', whenExceeded: 'resume' });

/** The version's pause rules with the defaults filled in. */
export function pauseRules(definition: Pick<JourneyDefinition, 'pause'>): Required<PauseRules> {
  return {
    maxDuration: definition.pause?.maxDuration ?? DEFAULT_PAUSE_RULES.maxDuration,
    whenExceeded: definition.pause?.whenExceeded ?? DEFAULT_PAUSE_RULES.whenExceeded,
  };
}
