import type { Api } from '../api/client';
import type { AllAnalytics, JourneySummary, VersionTotals } from '../api/types';
import { ErrorNote } from '../components/ErrorNote';
import { TableHead } from '../components/TableHead';
import { usePoll } from '../poll';
import { href } from '../router';

export const STATES = [
  'Draft',
  'Publishing',
  'Live',
  'Live, editing',
  'Paused',
  'Paused, editing',
  'Completing',
  'Completed',
  'Stopping',
  'Stopped',
];

const fmt = (n: number) => n.toLocaleString('en-US');

/** Entered and active over every version; the goal of the newest version that has counters. */
export function progressOf(versions: readonly VersionTotals[]) {
  const goal = versions.length ? versions[versions.length - 1].goal : { reached: 0, target: 0 };
  return {
    entered: versions.reduce((a, v) => a + v.entered, 0),
    active: versions.reduce((a, v) => a + v.active, 0),
    goal,
  };
}

/** Every journey with its state per version and progress, filtered by state. */
export function JourneysPage({ api, state, canWrite }: { api: Api; state?: string; canWrite: boolean }) {
  const list = usePoll(
    () => api.get<{ journeys: JourneySummary[] }>(`journeys${state ? `?state=${encodeURIComponent(state)}` : ''}`),
    2000,
    [state],
  );
  const analytics = usePoll(() => api.get<AllAnalytics>('analytics'), 2000, []);
  const totals = new Map((analytics.data?.journeys ?? []).map((j) => [j.journeyId, progressOf(j.versions)]));
  return (
    <>
      <h1>Journeys</h1>
      <div class="toolbar">
        <label>
          State
          <select
            value={state ?? ''}
            onChange={(e) => {
              const value = e.currentTarget.value;
              location.hash = href({ page: 'journeys', ...(value ? { state: value } : {}) });
            }}
          >
            <option value="">All</option>
            {STATES.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {canWrite && (
          <a class="button" href={href({ page: 'new' })}>
            New journey
          </a>
        )}
      </div>
      <ErrorNote error={list.error ?? analytics.error} title="Cannot list journeys" />
      {list.data && list.data.journeys.length === 0 && <p>No journeys{state ? ` in state ${state}` : ''}.</p>}
      {list.data && list.data.journeys.length > 0 && (
        <table class="journeys">
          <caption class="visually-hidden">Journeys</caption>
          <TableHead columns={['Name', 'State', 'Versions', 'Entered', 'Active', 'Goal']} />
          <tbody>
            {list.data.journeys.map((j) => {
              const p = totals.get(j.id);
              return (
                <tr key={j.id} data-journey={j.name}>
                  <th scope="row">
                    <a href={href({ page: 'journey', id: j.id })}>{j.name}</a>
                  </th>
                  <td>{j.state}</td>
                  <td>{j.versions.map((v) => `v${v.version} ${v.state}`).join(', ')}</td>
                  <td>{p ? fmt(p.entered) : '–'}</td>
                  <td>{p ? fmt(p.active) : '–'}</td>
                  <td>{p && p.goal.target > 0 ? `${fmt(p.goal.reached)} / ${fmt(p.goal.target)}` : '–'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </>
  );
}
