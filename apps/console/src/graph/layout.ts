import { Graph, layout } from '@dagrejs/dagre';
import type { GraphModel, GraphNode } from './step-graph-model';

export const NODE_WIDTH = 240;
export const NODE_HEIGHT = 100;
/** Edge labels are sized from their text: about 7 px per character at the console's font size. */
const CHAR_WIDTH = 7;

export interface PlacedNode extends GraphNode {
  /** Centre of the node. */
  x: number;
  y: number;
}

export interface PlacedEdge {
  from: string;
  to: string;
  label: string;
  fullLabel: string;
  points: { x: number; y: number }[];
  /** Centre of the label, when the edge has one. */
  labelAt?: { x: number; y: number };
}

export interface Placed {
  width: number;
  height: number;
  nodes: PlacedNode[];
  edges: PlacedEdge[];
}

/** Lays the graph out top to bottom with dagre (layered, edges labelled in the middle). */
export function layOut(model: GraphModel): Placed {
  const graph = new Graph({ multigraph: true });
  graph.setGraph({ rankdir: 'TB', nodesep: 40, ranksep: 56, edgesep: 16, marginx: 16, marginy: 16 });
  for (const node of model.nodes) graph.setNode(node.id, { width: NODE_WIDTH, height: NODE_HEIGHT });
  model.edges.forEach((edge, index) => {
    const labelled = edge.label !== '';
    graph.setEdge(
      edge.from,
      edge.to,
      labelled ? { width: edge.label.length * CHAR_WIDTH + 12, height: 18, labelpos: 'c' } : {},
      String(index),
    );
  });
  layout(graph);
  const nodes = model.nodes.map((node) => {
    const { x, y } = graph.node(node.id) as { x: number; y: number };
    return { ...node, x, y };
  });
  const edges = model.edges.map((edge, index) => {
    const placed = graph.edge(edge.from, edge.to, String(index)) as {
      points: { x: number; y: number }[];
      x?: number;
      y?: number;
    };
    return {
      ...edge,
      points: placed.points,
      ...(edge.label !== '' && placed.x !== undefined ? { labelAt: { x: placed.x, y: placed.y as number } } : {}),
    };
  });
  const { width = 0, height = 0 } = graph.graph() as { width?: number; height?: number };
  return { width, height, nodes, edges };
}
