import {
  applyNodeChanges,
  Background,
  type Connection,
  Controls,
  type Edge,
  type EdgeChange,
  Handle,
  MarkerType,
  type Node,
  type NodeChange,
  type NodeProps,
  Position,
  ReactFlow,
  ReactFlowProvider,
  useReactFlow,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { Button, Space } from 'antd';
import { type DragEvent, useEffect, useMemo, useRef, useState } from 'react';
import { useI18n } from '../../i18n/i18n.tsx';
import type { MessageKey } from '../../i18n/messages-zh-cn.ts';
import {
  connect,
  disconnect,
  edgesOf,
  layoutPositions,
  NODE_SIZE,
  outlets,
  TRIGGER_ID,
} from './journey-canvas-graph.ts';
import { freshStepId, type JourneyDraft, newStep, STEP_KINDS, type StepKind } from './journey-draft.ts';
import { removeStep } from './journey-draft-ops.ts';

/** What a node shows: its kind, its title, the server's errors about it and its ways on. */
export interface NodeData extends Record<string, unknown> {
  kind: string;
  title: string;
  errors: { path: string; text: string }[];
  outlets: { handle: string; label: string | null }[];
  start: boolean;
}
type JourneyNode = Node<NodeData, 'journey'>;

const DRAG_TYPE = 'application/x-retain-step';

/** One node: the trigger or a step, red-bordered with the server's words when it is at fault. */
function NodeView({ id, data, selected }: NodeProps<JourneyNode>) {
  const faulty = data.errors.length > 0;
  const border = faulty ? '#c41d1d' : selected ? '#1677ff' : id === TRIGGER_ID ? '#52c41a' : '#d9d9d9';
  return (
    <div
      data-node={id}
      data-faulty={faulty || undefined}
      style={{
        width: NODE_SIZE.width,
        background: '#fff',
        border: `${selected || faulty ? 2 : 1}px solid ${border}`,
        borderRadius: 8,
        padding: '8px 12px',
        fontSize: 13,
      }}
    >
      {id !== TRIGGER_ID && <Handle type="target" position={Position.Top} id="in" />}
      <div style={{ color: '#8c8c8c', fontSize: 12 }}>{data.kind}</div>
      <div data-node-title style={{ fontWeight: 600, overflowWrap: 'anywhere' }}>
        {data.title}
      </div>
      {data.errors.map((e) => (
        <div key={e.path + e.text} data-error-path={e.path} style={{ color: '#c41d1d', fontSize: 12 }}>
          {e.text}
        </div>
      ))}
      {data.outlets.length > 1 && (
        <div style={{ display: 'flex', justifyContent: 'space-around', fontSize: 11, color: '#8c8c8c' }}>
          {data.outlets.map((o) => (
            <span key={o.handle}>{o.label}</span>
          ))}
        </div>
      )}
      {data.outlets.map((o, i) => (
        <Handle
          key={o.handle}
          type="source"
          position={Position.Bottom}
          id={o.handle}
          title={o.label ?? undefined}
          style={{ left: `${((i + 1) * 100) / (data.outlets.length + 1)}%` }}
        />
      ))}
    </div>
  );
}

const NODE_TYPES = { journey: NodeView };

/** The spot itself, or moved right until no node covers it. */
function freeSpot(nodes: JourneyNode[], spot: { x: number; y: number }) {
  const covers = (n: JourneyNode, x: number) =>
    Math.abs(n.position.x - x) < NODE_SIZE.width + 20 &&
    Math.abs(n.position.y - spot.y) < (n.measured?.height ?? NODE_SIZE.height) + 20;
  let x = spot.x;
  while (nodes.some((n) => covers(n, x))) x += NODE_SIZE.width + 40;
  return { x, y: spot.y };
}

/** The canvas's props: the draft, how nodes are titled and what is wrong with each. */
export interface CanvasProps {
  draft: JourneyDraft;
  onChange: (change: (draft: JourneyDraft) => JourneyDraft) => void;
  /** Node data by id (the trigger's id is {@link TRIGGER_ID}). */
  dataOf: (id: string) => NodeData;
  selected: string | null;
  onSelect: (id: string) => void;
  readOnly?: boolean;
}

/** The journey as a graph: drag, zoom, connect handles, add steps from the palette, auto-layout. */
export function JourneyCanvas(props: CanvasProps) {
  return (
    <ReactFlowProvider>
      <Canvas {...props} />
    </ReactFlowProvider>
  );
}

function Canvas({ draft, onChange, dataOf, selected, onSelect, readOnly }: CanvasProps) {
  const { t } = useI18n();
  const flow = useReactFlow();
  const placed = useRef<Record<string, { x: number; y: number }>>({});
  const build = (prev: JourneyNode[]): JourneyNode[] => {
    const byId = new Map(prev.map((n) => [n.id, n]));
    const auto = prev.length === 0 ? layoutPositions(draft, t) : {};
    let lowest = Math.max(0, ...prev.map((n) => n.position.y + (n.measured?.height ?? NODE_SIZE.height)));
    return [TRIGGER_ID, ...draft.steps.map((s) => s.id)].map((id) => {
      const old = byId.get(id);
      let position = old?.position ?? auto[id] ?? placed.current[id];
      if (!position) {
        lowest += 40;
        position = { x: 0, y: lowest };
        lowest += NODE_SIZE.height;
      }
      return {
        ...old,
        id,
        type: 'journey' as const,
        position,
        data: dataOf(id),
        selected: id === selected,
        deletable: !readOnly && id !== TRIGGER_ID,
      };
    });
  };
  const [nodes, setNodes] = useState<JourneyNode[]>(() => build([]));
  // biome-ignore lint/correctness/useExhaustiveDependencies: rebuilt when what the nodes show changes
  useEffect(() => setNodes((prev) => build(prev)), [draft, dataOf, selected]);
  const [chosenEdges, setChosenEdges] = useState<Set<string>>(new Set());
  const edges: Edge[] = useMemo(
    () =>
      edgesOf(draft, t).map((e) => ({
        id: e.id,
        source: e.source,
        sourceHandle: e.sourceHandle,
        target: e.target,
        targetHandle: 'in',
        label: e.label ?? undefined,
        type: 'smoothstep',
        markerEnd: { type: MarkerType.ArrowClosed },
        selected: chosenEdges.has(e.id),
        deletable: !readOnly && e.source !== TRIGGER_ID,
      })),
    [draft, t, chosenEdges, readOnly],
  );

  const onNodesChange = (changes: NodeChange<JourneyNode>[]) => {
    const removed = changes.flatMap((c) => (c.type === 'remove' && c.id !== TRIGGER_ID ? [c.id] : []));
    if (removed.length)
      onChange((d) => ({ ...d, steps: removed.reduce((s, id) => removeStep(s, id), d.steps) }));
    for (const c of changes) if (c.type === 'select' && c.selected) onSelect(c.id);
    setNodes((ns) =>
      applyNodeChanges(
        changes.filter((c) => c.type !== 'remove'),
        ns,
      ),
    );
  };
  const onEdgesChange = (changes: EdgeChange[]) => {
    for (const c of changes) {
      if (c.type === 'remove') onChange((d) => disconnect(d, c.id));
      if (c.type === 'select')
        setChosenEdges((s) => {
          const next = new Set(s);
          if (c.selected) next.add(c.id);
          else next.delete(c.id);
          return next;
        });
    }
  };
  const onConnect = (c: Connection) =>
    onChange((d) => connect(d, c.source, c.sourceHandle ?? 'next', c.target));

  /** Adds a step; from the palette's button it follows the selected step when that has a free way on. */
  const add = (kind: StepKind, at?: { x: number; y: number }) => {
    const id = freshStepId(kind, draft.steps);
    const from = nodes.find((n) => n.id === selected);
    const below = from && {
      x: from.position.x,
      y: from.position.y + (from.measured?.height ?? NODE_SIZE.height) + 60,
    };
    const spot = at ?? below;
    if (spot) placed.current[id] = freeSpot(nodes, spot);
    onChange((d) => {
      const withStep = { ...d, steps: [...d.steps, newStep(kind, id)] };
      const source = d.steps.find((s) => s.id === selected);
      const free = source && outlets(source, t).find((o) => !o.target);
      return free && !at ? connect(withStep, source.id, free.handle, id) : withStep;
    });
    onSelect(id);
  };
  const onDrop = (event: DragEvent) => {
    const kind = event.dataTransfer.getData(DRAG_TYPE) as StepKind;
    if (!STEP_KINDS.includes(kind)) return;
    event.preventDefault();
    add(kind, flow.screenToFlowPosition({ x: event.clientX, y: event.clientY }));
  };
  const autoLayout = () => {
    const sizes = Object.fromEntries(
      nodes.map((n) => [n.id, n.measured as { width: number; height: number }]),
    );
    const positions = layoutPositions(draft, t, sizes);
    setNodes((ns) => ns.map((n) => ({ ...n, position: positions[n.id] ?? n.position })));
    window.setTimeout(() => void flow.fitView({ padding: 0.15, maxZoom: 1, duration: 200 }), 50);
  };

  return (
    <div style={{ display: 'flex', flexDirection: 'column', gap: 8, minWidth: 0 }}>
      {!readOnly && (
        <Space wrap size={[4, 4]} aria-label={t('jcanvas.palette')} role="toolbar">
          {STEP_KINDS.map((kind) => (
            <Button
              key={kind}
              size="small"
              draggable
              data-palette={kind}
              onDragStart={(e) => {
                e.dataTransfer.setData(DRAG_TYPE, kind);
                e.dataTransfer.effectAllowed = 'move';
              }}
              onClick={() => add(kind)}
            >
              + {t(`jstep.kind.${kind}` as MessageKey)}
            </Button>
          ))}
          <Button size="small" type="dashed" onClick={autoLayout}>
            {t('jcanvas.auto_layout')}
          </Button>
        </Space>
      )}
      <div
        data-canvas
        role="application"
        aria-label={t('jcanvas.canvas')}
        style={{
          height: 'min(70vh, 620px)',
          border: '1px solid #f0f0f0',
          borderRadius: 8,
          background: '#fafafa',
        }}
        onDragOver={(e) => {
          e.preventDefault();
          e.dataTransfer.dropEffect = 'move';
        }}
        onDrop={onDrop}
      >
        <ReactFlow<JourneyNode>
          nodes={nodes}
          edges={edges}
          nodeTypes={NODE_TYPES}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onConnect={onConnect}
          onNodeClick={(_, n) => onSelect(n.id)}
          isValidConnection={(c) => c.target !== TRIGGER_ID && c.source !== c.target}
          nodesConnectable={!readOnly}
          deleteKeyCode={readOnly ? null : ['Backspace', 'Delete']}
          fitView
          fitViewOptions={{ padding: 0.15, maxZoom: 1 }}
          minZoom={0.2}
          proOptions={{ hideAttribution: true }}
          ariaLabelConfig={{
            'node.a11yDescription.default': t('jcanvas.a11y.node'),
            'node.a11yDescription.keyboardDisabled': t('jcanvas.a11y.node'),
            'node.a11yDescription.ariaLiveMessage': () => t('jcanvas.a11y.moved'),
            'edge.a11yDescription.default': t('jcanvas.a11y.edge'),
            'controls.ariaLabel': t('jcanvas.controls'),
            'controls.zoomIn.ariaLabel': t('jcanvas.zoom_in'),
            'controls.zoomOut.ariaLabel': t('jcanvas.zoom_out'),
            'controls.fitView.ariaLabel': t('jcanvas.fit_view'),
            'controls.interactive.ariaLabel': t('jcanvas.controls'),
            'minimap.ariaLabel': t('jcanvas.controls'),
            'handle.ariaLabel': t('jcanvas.handle'),
          }}
        >
          <Background />
          <Controls showInteractive={false} />
        </ReactFlow>
      </div>
    </div>
  );
}
