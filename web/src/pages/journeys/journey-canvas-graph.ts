// The journey canvas's graph: the draft's trigger and steps as nodes, every way on (`next`, a
// branch's arms, a split's arms, a wait's event and timeout) as an edge, and what connecting or
// disconnecting two nodes changes in the draft. Positions come from dagre's layered layout.
import dagre from '@dagrejs/dagre';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import type { JourneyDraft, StepDraft } from './journey-draft.ts';

/** The trigger's node id (step ids are letters, digits, `_` and `-`, so never this). */
export const TRIGGER_ID = '@trigger';

type T = (key: MessageKey, vars?: Record<string, string | number>) => string;

/** One way on from a step: the handle it leaves by, its label, and the step it leads to. */
export interface Outlet {
  handle: string;
  label: string | null;
  target: string;
}

/** The ways on of a step, in the order they are written. */
export function outlets(step: StepDraft, t: T): Outlet[] {
  switch (step.kind) {
    case 'exit':
      return [];
    case 'wait_for_event':
      return [
        { handle: 'onEvent', label: t('jstep.on_event'), target: step.onEvent },
        { handle: 'onTimeout', label: t('jstep.on_timeout'), target: step.onTimeout },
      ];
    case 'branch':
      return [
        { handle: 'ifTrue', label: t('jstep.then'), target: step.ifTrue },
        { handle: 'ifFalse', label: t('jstep.else'), target: step.ifFalse },
      ];
    case 'split':
      return step.arms.map((a, i) => ({ handle: `arm:${i}`, label: a.name || `${i + 1}`, target: a.next }));
    default:
      return [{ handle: 'next', label: null, target: step.next }];
  }
}

/** An edge between two nodes of the canvas; its id is `source:handle>target`. */
export interface GraphEdge {
  id: string;
  source: string;
  sourceHandle: string;
  target: string;
  label: string | null;
}

/** The edges of a draft: the trigger to the start step, then every step's ways on that are set. */
export function edgesOf(draft: JourneyDraft, t: T): GraphEdge[] {
  const ids = new Set(draft.steps.map((s) => s.id));
  const first = draft.steps[0];
  const edges: GraphEdge[] = first
    ? [
        {
          id: `${TRIGGER_ID}:start>${first.id}`,
          source: TRIGGER_ID,
          sourceHandle: 'start',
          target: first.id,
          label: null,
        },
      ]
    : [];
  for (const step of draft.steps)
    for (const o of outlets(step, t))
      if (o.target && ids.has(o.target))
        edges.push({
          id: `${step.id}:${o.handle}>${o.target}`,
          source: step.id,
          sourceHandle: o.handle,
          target: o.target,
          label: o.label,
        });
  return edges;
}

/** Sets one way on of a step (`handle` as in {@link outlets}) to `target` ('' clears it). */
function setOutlet(step: StepDraft, handle: string, target: string): StepDraft {
  const arm = /^arm:(\d+)$/.exec(handle);
  if (arm)
    return { ...step, arms: step.arms.map((a, i) => (i === Number(arm[1]) ? { ...a, next: target } : a)) };
  if (!['next', 'onEvent', 'onTimeout', 'ifTrue', 'ifFalse'].includes(handle)) return step;
  return { ...step, [handle]: target };
}

/**
 * The draft with a connection made: from the trigger, the target becomes the start step (first
 * in the list); from a step's handle, that way on leads to the target.
 */
export function connect(draft: JourneyDraft, source: string, handle: string, target: string): JourneyDraft {
  if (target === TRIGGER_ID || source === target) return draft;
  if (source === TRIGGER_ID) {
    const step = draft.steps.find((s) => s.id === target);
    return step ? { ...draft, steps: [step, ...draft.steps.filter((s) => s.id !== target)] } : draft;
  }
  return {
    ...draft,
    steps: draft.steps.map((s) => (s.id === source ? setOutlet(s, handle, target) : s)),
  };
}

/** The draft with an edge removed (the start edge stays: a journey always has a start). */
export function disconnect(draft: JourneyDraft, edgeId: string): JourneyDraft {
  // Ids are `source:handle>target`; step ids hold no colon: the source is before the first one.
  const from = edgeId.slice(0, edgeId.indexOf('>'));
  const cut = from.indexOf(':');
  const [source, handle] = [from.slice(0, cut), from.slice(cut + 1)];
  if (source === TRIGGER_ID) return draft;
  return { ...draft, steps: draft.steps.map((s) => (s.id === source ? setOutlet(s, handle, '') : s)) };
}

/** A node's size for the layout when it has not been measured yet. */
export const NODE_SIZE = { width: 240, height: 72 };

/** Positions of the nodes in layers from the trigger down, by dagre (sizes as measured). */
export function layoutPositions(
  draft: JourneyDraft,
  t: T,
  sizes: Record<string, { width: number; height: number } | undefined> = {},
): Record<string, { x: number; y: number }> {
  const g = new dagre.graphlib.Graph();
  g.setGraph({ rankdir: 'TB', nodesep: 48, ranksep: 64, marginx: 16, marginy: 16 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const id of [TRIGGER_ID, ...draft.steps.map((s) => s.id)])
    g.setNode(id, { ...NODE_SIZE, ...sizes[id] });
  for (const e of edgesOf(draft, t)) g.setEdge(e.source, e.target);
  dagre.layout(g);
  const out: Record<string, { x: number; y: number }> = {};
  for (const id of g.nodes()) {
    const n = g.node(id);
    out[id] = { x: n.x - n.width / 2, y: n.y - n.height / 2 };
  }
  return out;
}
