/**
 * An ECharts chart (bundled — nothing loaded from a CDN), rendered as SVG. Charts are not enough on
 * their own for screen-reader and keyboard users, so every chart has an accessible name and the
 * same numbers as a table behind a disclosure.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { BarChart, LineChart } from 'echarts/charts';
import { DatasetComponent, GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { SVGRenderer } from 'echarts/renderers';

echarts.use([BarChart, LineChart, GridComponent, TooltipComponent, LegendComponent, DatasetComponent, SVGRenderer]);

export interface Series {
  readonly name: string;
  readonly type: 'bar' | 'line';
  readonly data: readonly (number | null)[];
  /** Series with the same stack name are stacked. */
  readonly stack?: string;
  readonly color?: string;
  /** Plotted against the second (right) axis. */
  readonly secondAxis?: boolean;
}

export interface ChartProps {
  /** Accessible name; also the figure caption. */
  readonly title: string;
  readonly categories: readonly string[];
  readonly series: readonly Series[];
  readonly yName?: string;
  readonly y2Name?: string;
  readonly height?: number;
  /** Rows/columns orientation of the data table: one row per category. */
  readonly tableHeader?: string;
  readonly horizontal?: boolean;
  /** A sentence shown under the chart (e.g. the targets the chart should be read against). */
  readonly note?: string;
}

export function chartOption(props: ChartProps): echarts.EChartsCoreOption {
  const valueAxis = (name: string | undefined) => ({ type: 'value' as const, name: name ?? '', nameTextStyle: { color: '#3b4350' }, axisLabel: { color: '#3b4350' } });
  const categoryAxis = { type: 'category' as const, data: [...props.categories], axisLabel: { color: '#3b4350' } };
  const hasSecond = props.series.some((s) => s.secondAxis);
  return {
    animation: false,
    textStyle: { fontFamily: 'system-ui, -apple-system, "Segoe UI", Roboto, sans-serif' },
    tooltip: { trigger: 'axis' },
    legend: { top: 0, textStyle: { color: '#1f2630' } },
    grid: { left: 8, right: hasSecond ? 8 : 16, bottom: 8, top: 48, containLabel: true },
    xAxis: props.horizontal ? valueAxis(props.yName) : categoryAxis,
    yAxis: props.horizontal ? categoryAxis : hasSecond ? [valueAxis(props.yName), valueAxis(props.y2Name)] : valueAxis(props.yName),
    series: props.series.map((s) => ({
      name: s.name,
      type: s.type,
      data: [...s.data],
      ...(s.stack ? { stack: s.stack } : {}),
      ...(s.color ? { itemStyle: { color: s.color }, lineStyle: { color: s.color } } : {}),
      ...(s.secondAxis ? { yAxisIndex: 1 } : {}),
      ...(s.type === 'line' ? { symbolSize: 6 } : { barMaxWidth: 36 }),
    })),
  };
}

export function Chart(props: ChartProps): ReactNode {
  const box = useRef<HTMLDivElement>(null);
  const height = props.height ?? 280;
  // Charts re-render only when what they show changes (the props object is new on every render).
  const option = JSON.stringify(chartOption(props));

  useEffect(() => {
    const el = box.current;
    if (!el) return undefined;
    const chart = echarts.init(el, undefined, { renderer: 'svg', height, ...(el.clientWidth > 0 ? {} : { width: 640 }) });
    chart.setOption(JSON.parse(option) as echarts.EChartsCoreOption);
    const observer = typeof ResizeObserver === 'undefined' ? null : new ResizeObserver(() => chart.resize());
    observer?.observe(el);
    return () => {
      observer?.disconnect();
      chart.dispose();
    };
  }, [option, height]);

  const empty = props.categories.length === 0;
  // Nothing but zeros and unknowns draws an empty frame: say so in words (the table still has them).
  const flat = !empty && props.series.every((s) => s.data.every((v) => v === null || v === 0));
  return (
    <figure className="chart">
      <figcaption>{props.title}</figcaption>
      {empty ? (
        <p className="muted chart-empty">No data in this period.</p>
      ) : flat ? (
        <p className="muted chart-empty">{props.series.length === 0 ? 'Nothing to chart in this period.' : 'Every value is zero or unknown in this period.'}</p>
      ) : (
        <div ref={box} className="chart-canvas" style={{ height }} role="img" aria-label={`${props.title} (chart; the numbers are in the table below)`} />
      )}
      {props.note ? <p className="small muted chart-note">{props.note}</p> : null}
      {empty || props.series.length === 0 ? null : (
        <details className="chart-data">
          <summary>Show the numbers: {props.title}</summary>
          <table>
            <caption className="visually-hidden">{props.title}</caption>
            <thead>
              <tr>
                <th scope="col">{props.tableHeader ?? 'Day'}</th>
                {props.series.map((s) => (
                  <th scope="col" key={s.name}>
                    {s.name}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {props.categories.map((c, i) => (
                <tr key={c}>
                  <th scope="row">{c}</th>
                  {props.series.map((s) => (
                    <td key={s.name}>{s.data[i] ?? '—'}</td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </details>
      )}
    </figure>
  );
}
