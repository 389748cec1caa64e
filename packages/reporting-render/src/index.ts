/**
 * @safeguard/reporting-render (adapter): report charts drawn with ECharts' server-side SVG
 * renderer, HTML pages with those charts, and PDFs (PDFKit) carrying the same charts as vectors.
 */
import { renderHtml, type TransparencyReport } from '@safeguard/reporting';
import { echartsSvgChart } from './echarts-svg.js';

export { echartsOption, echartsSvgChart } from './echarts-svg.js';
export { drawSvg, parseColor, parseSvg, parseTransform } from './svg-to-pdf.js';
export { renderPdf, type PdfOptions } from './pdf.js';

/** The report's HTML page with ECharts charts. */
export function renderHtmlWithCharts(report: TransparencyReport): string {
  return renderHtml(report, { chartRenderer: echartsSvgChart });
}
