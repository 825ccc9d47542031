import type { JourneyDefinition } from '@journeys/definition/journey-definition';
import type { BlockedEntry, HistoryLine } from './api/types';
import { conditionText } from './graph/conditions-text';

const BLOCKED: Record<string, string> = {
  unmetCondition: "the journey's entry conditions did not hold",
  excluded: 'the customer is in an exclusion segment',
  reentryBlocked: "the journey's re-entry rule does not allow another entry",
  notStarted: "the journey's start time had not come",
  ended: "the journey's end time had passed",
};

const EXITED: Record<string, string> = {
  exitStep: 'reached an exit step',
  exitTrigger: 'an exit trigger arrived',
  exitSegment: 'joined an exit segment',
};

const CANCELLED: Record<string, string> = {
  versionStopped: 'the version was stopped before the message was handed out',
  Expired: 'the message expired before it was handed out',
};

const SKIPPED: Record<string, string> = {
  NoConsent: 'the customer has no consent for the channel or topic',
  FrequencyCapped: "the customer reached the channel's frequency cap",
  QuietHours: "it fell inside the customer's quiet hours",
};

/** Why an entry was blocked, in words. */
export const blockedReason = (entry: BlockedEntry) =>
  `${BLOCKED[entry.reason] ?? entry.reason}${entry.triggerId ? ` (trigger ${entry.triggerId})` : ''}`;

const to = (next: unknown) => (next === null || next === undefined ? 'completes the journey' : `→ ${String(next)}`);

/**
 * What a history line decided and why, read with the version's definition (branch conditions and
 * split weights live there): "branch 1 taken: trigger.plan eq "pro" held → pro".
 */
export function decisionText(line: HistoryLine, definition?: JourneyDefinition): string {
  const d = line.details ?? {};
  const step = definition?.steps.find((s) => s.id === line.stepId);
  switch (line.event) {
    case 'CustomerEntered':
      if (d.trigger) return `entered on trigger ${String(d.trigger)} (${String(d.triggerId)})`;
      return d.segmentId ? `enrolled from segment ${String(d.segmentId)}` : 'entered';
    case 'StepEntered':
      return `arrived at ${line.stepId}`;
    case 'BranchTaken': {
      if (d.branch === 'otherwise') return `no branch condition held: otherwise ${to(d.next)}`;
      const index = Number(d.branch);
      const condition = step?.type === 'branch' ? step.branches[index]?.if : undefined;
      return `branch ${index + 1} taken${condition ? `: ${conditionText(condition)} held` : ''} ${to(d.next)}`;
    }
    case 'SplitAssigned': {
      const index = Number(d.branch);
      const weights = step?.type === 'split' ? step.branches.map((b) => b.weight) : [];
      const share = weights.length ? ` (weight ${weights[index]} of ${weights.reduce((a, b) => a + b, 0)})` : '';
      return `split branch ${index + 1}${share}, sticky for this customer ${to(d.next)}`;
    }
    case 'ActionRequested':
      return `message requested${d.expiresAt ? `, expires ${String(d.expiresAt)}` : ''}`;
    case 'ActionCancelled':
      return `send skipped: ${CANCELLED[String(d.reason)] ?? String(d.reason)}`;
    case 'SendSkipped':
      return `send skipped: ${SKIPPED[String(d.reason)] ?? String(d.reason)}`;
    case 'SendHeld':
      return `send held by quiet hours until ${String(d.until)}${d.expiresAt ? ` (expires ${String(d.expiresAt)})` : ''}`;
    case 'WaitScheduled':
      return d.kind === 'trigger'
        ? `waiting for the trigger until ${String(d.dueAt)}`
        : `waiting until ${String(d.dueAt)}`;
    case 'WaitElapsed':
      return 'the wait is over';
    case 'TriggerMatched':
      return `trigger ${String(d.trigger)} (${String(d.triggerId)}) matched: yes`;
    case 'TriggerWaitTimedOut':
      return 'no matching trigger in time: no';
    case 'TriggerActivated':
      return `raised trigger ${String(d.trigger)}`;
    case 'GoalReached':
      return `goal reached (${String(d.trigger)})`;
    case 'CustomerExited':
      return `exited: ${EXITED[String(d.reason)] ?? String(d.reason)}`;
    case 'CustomerCompleted':
      return 'completed: no next step';
    case 'CustomerRemoved':
      return 'removed: the version was stopped';
    default:
      return line.event;
  }
}
