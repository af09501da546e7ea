import { BarChart, FunnelChart, HeatmapChart, LineChart, PieChart, SankeyChart } from 'echarts/charts';
import {
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { reducedMotion } from '../lib/motion.ts';

echarts.use([
  BarChart,
  FunnelChart,
  HeatmapChart,
  LineChart,
  PieChart,
  SankeyChart,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
  VisualMapComponent,
  CanvasRenderer,
]);

interface AxisModel {
  axis?: { type?: string; scale?: { type?: string }; getViewLabels?: () => { formattedLabel: string }[] };
}

/** The labels of the chart's value axes, as drawn; empty when the chart has none or cannot say. */
function valueAxisLabels(instance: echarts.ECharts | null): string[] {
  const model = (
    instance as unknown as {
      getModel?: () => { getComponent: (t: string, i: number) => AxisModel | undefined };
    } | null
  )?.getModel?.();
  if (!model) return [];
  const out: string[] = [];
  for (const kind of ['yAxis', 'xAxis'])
    for (let i = 0; i < 4; i++) {
      const axis = model.getComponent(kind, i)?.axis;
      if (axis?.scale?.type !== 'interval') continue;
      try {
        out.push(...(axis.getViewLabels?.() ?? []).map((l) => l.formattedLabel));
      } catch {
        // Not laid out yet: nothing to report.
      }
    }
  return out;
}

/** What a click on a chart element reports. */
export interface ChartClick {
  seriesType?: string;
  data?: unknown;
  dataIndex: number;
  name: string;
}

/** An Apache ECharts chart that follows its option and its container's width. */
export function EChart({
  option,
  height = 300,
  label,
  onClick,
}: {
  option: echarts.EChartsCoreOption;
  height?: number;
  /** What the chart shows, for screen readers (the numbers are also in a table or cards). */
  label: string;
  onClick?: (event: ChartClick) => void;
}) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const click = useRef(onClick);
  click.current = onClick;

  useEffect(() => {
    const instance = echarts.init(ref.current!);
    chart.current = instance;
    instance.on('click', (event) => click.current?.(event as unknown as ChartClick));
    const observer = new ResizeObserver(() => instance.resize());
    observer.observe(ref.current!);
    return () => {
      observer.disconnect();
      chart.current = null;
      // A large series is drawn over several animation frames, which disposing does not cancel: a
      // frame left after it reads the disposed painter ("Cannot read properties of null (reading
      // 'layerStack')"), as when a page is left while its chart still draws on a loaded machine.
      // Dispose once those frames have run; the detached canvas draws nowhere meanwhile.
      setTimeout(() => instance.dispose(), 1_000);
    };
  }, []);

  useEffect(() => {
    // No animation for a reader who asked for less motion (a page's own option may still set one).
    chart.current?.setOption(reducedMotion ? { animation: false, ...option } : option, true);
    // The value axes' labels as drawn (the canvas holds no text), for checks such as 万 on money axes.
    const labels = valueAxisLabels(chart.current);
    if (ref.current) ref.current.dataset.axisLabels = labels.join('|');
  }, [option]);

  return <div ref={ref} role="img" aria-label={label} style={{ width: '100%', height }} />;
}
