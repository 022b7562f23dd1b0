import { html } from 'htm/preact';

export interface GraphNode {
  id: string;
  title: string;
  lines: string[];
  /** A CSS class for its colour: a step's status, an artifact's or a run's kind. */
  tone: string;
  href?: string;
  /** Extra attributes a test can find the node by. */
  data?: Record<string, string>;
}

const WIDTH = 190;
const HEIGHT = 64;
const GAP_X = 60;
const GAP_Y = 18;

/**
 * Nodes in columns by their longest path from a source, edges as curves: enough for pipeline
 * DAGs and lineage graphs of a few dozen nodes, with no layout library.
 */
export function LayeredGraph(props: { nodes: GraphNode[]; edges: [string, string][]; label: string }) {
  const ids = new Set(props.nodes.map((n) => n.id));
  const edges = props.edges.filter(([a, b]) => ids.has(a) && ids.has(b) && a !== b);
  const layer = new Map<string, number>(props.nodes.map((n) => [n.id, 0]));
  // Longest path by relaxation; a cycle (none expected) stops after as many rounds as nodes.
  for (let round = 0; round < props.nodes.length; round++) {
    let moved = false;
    for (const [a, b] of edges) {
      if (layer.get(b)! < layer.get(a)! + 1) {
        layer.set(b, layer.get(a)! + 1);
        moved = true;
      }
    }
    if (!moved) break;
  }
  const columns: GraphNode[][] = [];
  for (const node of props.nodes) {
    const column = layer.get(node.id)!;
    columns[column] = [...(columns[column] ?? []), node];
  }
  const position = new Map<string, { x: number; y: number }>();
  const tallest = Math.max(1, ...columns.map((c) => c?.length ?? 0));
  for (const [c, column] of columns.entries()) {
    const offset = ((tallest - column.length) * (HEIGHT + GAP_Y)) / 2;
    for (const [r, node] of column.entries())
      position.set(node.id, { x: 10 + c * (WIDTH + GAP_X), y: 10 + offset + r * (HEIGHT + GAP_Y) });
  }
  const width = 20 + columns.length * (WIDTH + GAP_X) - GAP_X;
  const height = 20 + tallest * (HEIGHT + GAP_Y) - GAP_Y;
  return html`<svg class="graph" width=${width} height=${height} viewBox="0 0 ${width} ${height}" role="img" aria-label=${props.label}>
    <defs><marker id="graph-arrow" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto"><path d="M0,0 L8,4 L0,8 z" class="arrow" /></marker></defs>
    ${edges.map(([a, b]) => {
      const from = position.get(a)!;
      const to = position.get(b)!;
      const x1 = from.x + WIDTH;
      const y1 = from.y + HEIGHT / 2;
      const x2 = to.x;
      const y2 = to.y + HEIGHT / 2;
      const mid = (x1 + x2) / 2;
      return html`<path class="edge" d="M${x1},${y1} C${mid},${y1} ${mid},${y2} ${x2},${y2}" marker-end="url(#graph-arrow)" data-from=${a} data-to=${b} />`;
    })}
    ${props.nodes.map((node) => {
      const at = position.get(node.id)!;
      const box = html`<g class=${`node ${node.tone}`} transform="translate(${at.x},${at.y})" ...${node.data ?? {}}>
        <rect width=${WIDTH} height=${HEIGHT} rx="6" />
        <text x="10" y="20" class="node-title">${node.title.length > 24 ? `${node.title.slice(0, 23)}…` : node.title}</text>
        ${node.lines.slice(0, 2).map((line, i) => html`<text x="10" y=${38 + i * 16} class="node-line">${line}</text>`)}
      </g>`;
      return node.href ? html`<a href=${node.href}>${box}</a>` : box;
    })}
  </svg>`;
}
