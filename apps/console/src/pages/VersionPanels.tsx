import { TableHead } from '../components/TableHead';
import type { DefinitionProblem, JourneyDefinition } from '@journeys/definition';
import type { StepCounts, VersionTotals } from '../api/types';
import { stepSummary } from '../graph/step-graph-model';

const fmt = (n: number) => n.toLocaleString('en-US');
const sum = (record: Record<string, number>) => Object.values(record).reduce((a, b) => a + b, 0);

/** Entered / active / completed / exited / removed / blocked of the version on screen. */
export function TotalsPanel({ totals }: { totals?: VersionTotals }) {
  if (!totals) return <p class="muted">No customer has entered this version.</p>;
  const items: [string, number][] = [
    ['Entered', totals.entered],
    ['Active', totals.active],
    ['Completed', totals.completed],
    ['Exited', totals.exited],
    ['Removed', totals.removed],
    ['Blocked', sum(totals.blocked)],
  ];
  return (
    <dl class="totals" aria-label="Totals">
      {items.map(([label, value]) => (
        <div key={label}>
          <dt>{label}</dt>
          <dd data-total={label.toLowerCase()}>{fmt(value)}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The journey-wide rules the graph has no step for: exit triggers / segments and the goal. */
export function ExitAndGoal({ definition, totals }: { definition: JourneyDefinition; totals?: VersionTotals }) {
  const exit = definition.exit;
  const rules = [
    ...(exit?.triggers ?? []).map((t) => `trigger ${t}`),
    ...(exit?.segments ?? []).map((s) => `joining segment ${s}`),
  ];
  const goal = definition.goal;
  const reached = totals?.goal.reached ?? 0;
  const target = totals?.goal.target ?? 0;
  return (
    <div class="rules">
      <h3>Exit</h3>
      <p>{rules.length ? `Customers leave at once, from any step, on ${rules.join(', ')}.` : 'No exit rules.'}</p>
      <h3>Goal</h3>
      {goal ? (
        <p>
          Trigger {goal.trigger}, target{' '}
          {'percent' in goal.target ? `${goal.target.percent}% of entrants` : `${fmt(goal.target.count)} customers`}:{' '}
          <span data-goal>
            reached {fmt(reached)} of {fmt(target)}
          </span>{' '}
          <progress
            max={Math.max(target, 1)}
            value={Math.min(reached, Math.max(target, 1))}
            aria-label="Goal progress"
          />
        </p>
      ) : (
        <p>No goal.</p>
      )}
    </div>
  );
}

/** Validation problems: those of the journey as a whole (the step ones are on the graph and in the table). */
export function JourneyProblems({ problems }: { problems: readonly DefinitionProblem[] }) {
  if (problems.length === 0) return null;
  return (
    <div class="error" role="alert">
      <strong>Publishing was refused.</strong>
      <ul>
        {problems.map((p, i) => (
          <li key={i}>
            <code>{p.path}</code> {p.message} ({p.code})
          </li>
        ))}
      </ul>
    </div>
  );
}

/** The same counts as the graph, as a table (readable without the picture), with each step's problems. */
export function StepTable(props: {
  definition: JourneyDefinition;
  counts: ReadonlyMap<string, StepCounts>;
  problems: ReadonlyMap<string, DefinitionProblem[]>;
}) {
  return (
    <table class="steps">
      <caption>Steps</caption>
      <TableHead columns={['Step', 'Does', 'Entered', 'Current', 'Passed', 'Exited', 'Problems']} />
      <tbody>
        {props.definition.steps.map((step) => {
          const c = props.counts.get(step.id);
          const problems = props.problems.get(step.id) ?? [];
          return (
            <tr key={step.id} data-step-row={step.id}>
              <th scope="row">{step.id}</th>
              <td>
                {step.type}: {stepSummary(step)}
              </td>
              <td>{fmt(c?.entered ?? 0)}</td>
              <td>{fmt(c?.current ?? 0)}</td>
              <td>{fmt(c?.passed ?? 0)}</td>
              <td>{fmt(c?.exited ?? 0)}</td>
              <td class={problems.length ? 'problem' : ''}>
                {problems.map((p) => `${p.message} (${p.code})`).join('; ')}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
