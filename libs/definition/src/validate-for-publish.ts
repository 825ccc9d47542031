/**
 * The checks run when a draft is published (CONTRACT section 2): the step graph and its limits,
 * referenced triggers, the schedule, the audience and goal, and the journey's name. The definition
 * has passed `parseDefinition`; every problem is reported at once, each with its path.
 */
import { checkJourneyDelivery } from './delivery';
import { Audience, Goal, JourneyDefinition } from './journey-definition';
import { childPath } from './json-path';
import { LIMITS } from './limits';
import { PublishContext } from './publish-context';
import { DefinitionProblem, ProblemCode, ProblemSink, truncate } from './problem';
import { checkAttributeReferences, checkTriggerReferences } from './validate-references';
import { checkControls } from './validate-controls';
import { checkSchedule } from './validate-schedule';
import { checkDuration, checkSelfEntry, checkStepsForPublish } from './validate-steps';

export function validateForPublish(definition: JourneyDefinition, context: PublishContext): DefinitionProblem[] {
  const sink = new ProblemSink();
  if (context.journeyNameTaken) {
    sink.report(
      ProblemCode.DuplicateJourneyName,
      '$.name',
      `another journey is already named "${truncate(definition.name)}"`,
    );
  }
  checkAudience(sink, definition.audience);
  checkSegmentCount(sink, definition.exit?.segments, '$.exit.segments', 'exit segments');
  if (definition.goal !== undefined) checkGoal(sink, definition.goal);
  const schedule = checkSchedule(sink, definition.schedule, context.now);
  checkStepsForPublish(sink, definition.steps, { now: context.now, schedule });
  checkSelfEntry(sink, definition.audience, definition.steps);
  checkJourneyDelivery(sink, definition.delivery);
  checkTriggerReferences(sink, definition, context);
  checkAttributeReferences(sink, definition, context);
  checkControls(sink, definition);
  return sink.problems;
}

function checkAudience(sink: ProblemSink, audience: Audience): void {
  const path = '$.audience';
  checkSegmentCount(sink, audience.exclusionSegments, childPath(path, 'exclusionSegments'), 'exclusion segments');
  if (audience.type === 'trigger') {
    if (audience.reentry?.mode === 'after') {
      checkDuration(sink, audience.reentry.after, `${path}.reentry.after`, 'reentry after', false);
    }
    return;
  }
  const segmentsPath = childPath(path, 'segments');
  if (audience.segments.length < LIMITS.segmentsMin) {
    sink.report(ProblemCode.NoSegments, segmentsPath, 'a segment-based journey needs at least one segment');
  }
  checkSegmentCount(sink, audience.segments, segmentsPath, 'segments');
  const frequency = audience.frequency ?? { mode: 'once' };
  if (frequency.mode === 'recurring') {
    checkDuration(sink, frequency.every, `${path}.frequency.every`, 'every', false);
    const { occurrences } = frequency;
    if (occurrences !== undefined && !(Number.isInteger(occurrences) && occurrences >= 1)) {
      sink.report(
        ProblemCode.InvalidOccurrences,
        `${path}.frequency.occurrences`,
        `occurrences must be a whole number of at least 1, not ${occurrences}`,
      );
    }
  }
  if (audience.rejoinReentry === true && frequency.mode !== 'dynamic') {
    sink.report(
      ProblemCode.RejoinReentryRequiresDynamic,
      childPath(path, 'rejoinReentry'),
      `rejoinReentry applies to frequency mode "dynamic", not "${frequency.mode}"`,
    );
  }
}

function checkSegmentCount(
  sink: ProblemSink,
  segments: readonly string[] | undefined,
  path: string,
  what: string,
): void {
  if (segments !== undefined && segments.length > LIMITS.segmentsMax) {
    sink.report(ProblemCode.TooManySegments, path, `${segments.length} ${what}; at most ${LIMITS.segmentsMax}`);
  }
}

function checkGoal(sink: ProblemSink, goal: Goal): void {
  const { target } = goal;
  if ('percent' in target) {
    if (!(target.percent > 0 && target.percent <= 100)) {
      sink.report(
        ProblemCode.InvalidGoalTarget,
        '$.goal.target.percent',
        `a goal percent is above 0 and at most 100, not ${target.percent}`,
      );
    }
  } else if (!(Number.isInteger(target.count) && target.count >= 1)) {
    sink.report(
      ProblemCode.InvalidGoalTarget,
      '$.goal.target.count',
      `a goal count is a whole number of at least 1, not ${target.count}`,
    );
  }
}
