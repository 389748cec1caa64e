/**
 * ECharts rendered on the server: the chart specs of @safeguard/reporting drawn with ECharts'
 * server-side SVG renderer (no browser, no canvas), deterministic (no animation), one chart
 * instance per call, disposed afterwards.
 */
import * as echarts from 'echarts';
import type { ChartRenderer, ChartSpec } from '@safeguard/reporting';

const PALETTE = ['#3b5bdb', '#e8590c', '#2f9e44', '#c2255c', '#7048e8', '#1098ad'];

/** The ECharts option for a chart spec. */
export function echartsOption(spec: ChartSpec): Record<string, unknown> {
  const categoryAxis = { type: 'category', data: [...spec.categories], axisLabel: { interval: spec.kind === 'line' ? 'auto' : 0, fontSize: 10, rotate: !spec.horizontal && spec.categories.length > 8 ? 40 : 0 } };
  const valueAxis = { type: 'value', minInterval: 1 };
  return {
    animation: false,
    color: PALETTE,
    title: { text: spec.title, left: 'center', textStyle: { fontSize: 14 } },
    legend: spec.series.length > 1 ? { bottom: 0 } : undefined,
    grid: { left: 16, right: 24, top: 44, bottom: spec.series.length > 1 ? 36 : 16, containLabel: true },
    xAxis: spec.horizontal ? valueAxis : categoryAxis,
    yAxis: spec.horizontal ? { ...categoryAxis, inverse: true } : valueAxis,
    series: spec.series.map((s) => ({
      name: s.name,
      type: spec.kind,
      data: [...s.values],
      ...(spec.stacked ? { stack: 'total' } : {}),
      ...(spec.kind === 'line' ? { showSymbol: spec.categories.length <= 31 } : { barMaxWidth: 48 }),
    })),
  };
}

/** Renders a chart spec to an SVG document with ECharts' server-side renderer. */
export const echartsSvgChart: ChartRenderer = (spec, { width, height }) => {
  const chart = echarts.init(null, null, { renderer: 'svg', ssr: true, width, height });
  try {
    chart.setOption(echartsOption(spec));
    return chart.renderToSVGString();
  } finally {
    chart.dispose();
  }
};
