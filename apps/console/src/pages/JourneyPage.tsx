import { useEffect, useMemo, useState } from 'preact/hooks';
import { seg, type Api } from '../api/client';
import type { JourneyAnalytics, JourneyDetail, JourneyVersionDetail, StepCounts } from '../api/types';
import { ErrorNote } from '../components/ErrorNote';
import { JourneyGraph, type GraphCounts } from '../graph/JourneyGraph';
import { layOut } from '../graph/layout';
import { graphModel } from '../graph/step-graph-model';
import { usePoll } from '../poll';
import { href } from '../router';
import { problemsByStep } from '../validation';
import { JourneyActions } from './JourneyActions';
import { ExitAndGoal, JourneyProblems, StepTable, TotalsPanel } from './VersionPanels';

/** Marked (performance.mark) when a journey's graph first shows with its counts; the bench reads it. */
export const GRAPH_READY_MARK = 'journey-graph-ready';

/** Live counts are polled this often (the issue asks for under two seconds). */
export const LIVE_INTERVAL_MS = 1000;

/** The version shown when the address names none: the Live one, else the newest. */
export function defaultVersion(journey: JourneyDetail): number {
  const live = journey.versions.find((v) => v.state === 'Live');
  return (live ?? journey.versions[journey.versions.length - 1]).version;
}

/** One journey: version switcher, actions, the step graph with live counts, exit and goal, problems. */
export function JourneyPage({
  api,
  id,
  version,
  canWrite,
}: {
  api: Api;
  id: string;
  version?: number;
  canWrite: boolean;
}) {
  const [notice, setNotice] = useState<string | undefined>();
  const journey = usePoll(() => api.get<JourneyDetail>(`journeys/${seg(id)}`), LIVE_INTERVAL_MS, [id]);
  // A version the address names that is gone (a discarded draft) falls back to the default one.
  const named = journey.data?.versions.some((v) => v.version === version) ? version : undefined;
  const shown = journey.data ? (named ?? defaultVersion(journey.data)) : undefined;
  const revision = journey.data?.revision;
  const detail = usePoll(() => api.get<JourneyVersionDetail>(`journeys/${seg(id)}/versions/${shown}`), 0, [
    id,
    shown,
    revision,
  ]);
  const analytics = usePoll(() => api.get<JourneyAnalytics>(`journeys/${seg(id)}/analytics`), LIVE_INTERVAL_MS, [id]);

  const definition = detail.data?.version === shown ? detail.data?.definition : undefined;
  const placed = useMemo(() => (definition ? layOut(graphModel(definition)) : undefined), [definition]);
  const totals = analytics.data?.versions.find((v) => v.version === shown);
  const counts: GraphCounts | undefined = analytics.data
    ? {
        steps: new Map<string, StepCounts>((totals?.steps ?? []).map((s) => [s.stepId, s])),
        entered: totals?.entered ?? 0,
        completed: totals?.completed ?? 0,
        blocked: Object.values(totals?.blocked ?? {}).reduce((a, b) => a + b, 0),
      }
    : undefined;
  const shownWithCounts = placed !== undefined && counts !== undefined;
  useEffect(() => {
    if (shownWithCounts) performance.mark(GRAPH_READY_MARK);
  }, [shownWithCounts]);
  const versionInfo = journey.data?.versions.find((v) => v.version === shown);
  const problems = useMemo(
    () => problemsByStep(versionInfo?.validationErrors ?? [], definition ?? { steps: [] }),
    [versionInfo?.validationErrors, definition],
  );

  if (journey.error && !journey.data) return <ErrorNote error={journey.error} title="Cannot show the journey" />;
  if (!journey.data || shown === undefined) return <p aria-busy="true">Loading…</p>;
  const j = journey.data;
  return (
    <>
      <h1>
        {j.name} <span class={`state state-${j.state.replace(/\W+/g, '-')}`}>{j.state}</span>
      </h1>
      <nav class="versions" aria-label="Versions">
        {j.versions.map((v) => (
          <a
            key={v.version}
            href={href({ page: 'journey', id, version: v.version })}
            aria-current={v.version === shown ? 'page' : undefined}
          >
            v{v.version} {v.state}
          </a>
        ))}
        <a href={href({ page: 'audit', id })}>Audit history</a>
      </nav>
      {notice && (
        <p class="notice" role="status">
          {notice}
        </p>
      )}
      {canWrite && versionInfo && (
        <JourneyActions
          api={api}
          journey={j}
          version={versionInfo}
          onChanged={(message) => {
            setNotice(message);
            journey.refresh();
            analytics.refresh();
          }}
        />
      )}
      <ErrorNote error={detail.error ?? analytics.error} title="Cannot load" />
      <JourneyProblems problems={problems.journey} />
      <TotalsPanel totals={totals} />
      {definition && placed ? (
        <>
          {/* Focusable so that a keyboard can scroll a graph wider than the window. */}
          <div class="graph-frame" tabIndex={0} role="region" aria-label="Step graph">
            <JourneyGraph
              placed={placed}
              counts={counts}
              problems={problems.byStep}
              label={`Step graph of ${j.name}, version ${shown}`}
            />
          </div>
          <ExitAndGoal definition={definition} totals={totals} />
          <StepTable definition={definition} counts={counts?.steps ?? new Map()} problems={problems.byStep} />
        </>
      ) : (
        <p aria-busy="true">Loading the definition…</p>
      )}
    </>
  );
}
