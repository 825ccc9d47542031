import type { DefinitionProblem } from '@journeys/definition';
import type { StepCounts } from '../api/types';
import { NODE_HEIGHT, NODE_WIDTH, type Placed, type PlacedNode } from './layout';

export interface GraphCounts {
  steps: ReadonlyMap<string, StepCounts>;
  entered: number;
  completed: number;
  blocked: number;
}

const fmt = (n: number) => n.toLocaleString('en-US');

function nodeClass(node: PlacedNode, problems: boolean, counts: GraphCounts | undefined): string {
  const kind = node.kind === 'step' ? (node.stepType === 'exit' ? 'exit' : 'step') : node.kind;
  const active = (counts?.steps.get(node.id)?.current ?? 0) > 0;
  return `node node-${kind}${active ? ' node-active' : ''}${problems ? ' node-problem' : ''}`;
}

/** Two lines of counts under a node's title. */
function countLines(node: PlacedNode, counts: GraphCounts | undefined): [string, string] {
  if (!counts) return ['', ''];
  if (node.kind === 'entry') return [`entered ${fmt(counts.entered)}`, `blocked ${fmt(counts.blocked)}`];
  if (node.kind === 'end') return [`completed ${fmt(counts.completed)}`, ''];
  const c = counts.steps.get(node.id) ?? { entered: 0, current: 0, passed: 0, exited: 0 };
  return [`entered ${fmt(c.entered)} · current ${fmt(c.current)}`, `passed ${fmt(c.passed)} · exited ${fmt(c.exited)}`];
}

function edgePath(points: { x: number; y: number }[]): string {
  return points.map((p, i) => `${i === 0 ? 'M' : 'L'}${p.x.toFixed(1)},${p.y.toFixed(1)}`).join(' ');
}

/**
 * The step graph as SVG: laid-out nodes with their live counts, labelled edges (branch conditions,
 * split shares, yes / no), exit steps and the completed end drawn apart, problem steps outlined.
 */
export function JourneyGraph(props: {
  placed: Placed;
  counts?: GraphCounts;
  problems?: ReadonlyMap<string, DefinitionProblem[]>;
  label: string;
}) {
  const { placed, counts, problems } = props;
  return (
    <svg
      class="graph"
      role="img"
      aria-label={props.label}
      width={placed.width}
      height={placed.height}
      viewBox={`0 0 ${placed.width} ${placed.height}`}
      data-ready={counts ? 'true' : 'false'}
    >
      <defs>
        <marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto">
          <path d="M0,0 L10,5 L0,10 z" class="arrow" />
        </marker>
      </defs>
      {placed.edges.map((edge, i) => (
        <g key={`e${i}`} class="edge" data-from={edge.from} data-to={edge.to}>
          <title>{`${edge.from} → ${edge.to}${edge.fullLabel ? `: ${edge.fullLabel}` : ''}`}</title>
          <path d={edgePath(edge.points)} marker-end="url(#arrow)" />
          {edge.labelAt && (
            <g class="edge-label">
              <rect
                x={edge.labelAt.x - (edge.label.length * 7 + 12) / 2}
                y={edge.labelAt.y - 9}
                width={edge.label.length * 7 + 12}
                height={18}
                rx={4}
              />
              <text x={edge.labelAt.x} y={edge.labelAt.y + 4} text-anchor="middle">
                {edge.label}
              </text>
            </g>
          )}
        </g>
      ))}
      {placed.nodes.map((node) => {
        const stepProblems = problems?.get(node.id) ?? [];
        const left = node.x - NODE_WIDTH / 2;
        const top = node.y - NODE_HEIGHT / 2;
        return (
          <g key={node.id} class={nodeClass(node, stepProblems.length > 0, counts)} data-step={node.id}>
            <title>
              {[node.title, node.subtitle, ...stepProblems.map((p) => `${p.code}: ${p.message}`)].join('\n')}
            </title>
            <rect x={left} y={top} width={NODE_WIDTH} height={NODE_HEIGHT} rx={8} />
            <text x={left + 10} y={top + 20} class="node-title">
              {node.title}
              {node.kind === 'step' && <tspan class="node-type">{`  ${node.stepType}`}</tspan>}
            </text>
            <text x={left + 10} y={top + 40} class="node-subtitle">
              {node.subtitle.length > 30 ? `${node.subtitle.slice(0, 29)}…` : node.subtitle}
            </text>
            <text x={left + 10} y={top + 58} class="node-counts" data-counts={node.id}>
              <tspan>{countLines(node, counts)[0]}</tspan>
              <tspan x={left + 10} dy={16}>
                {countLines(node, counts)[1]}
              </tspan>
            </text>
            {stepProblems.length > 0 && (
              <text x={left + 10} y={top + 92} class="node-problems">
                {`${stepProblems.length} problem${stepProblems.length > 1 ? 's' : ''}`}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}
