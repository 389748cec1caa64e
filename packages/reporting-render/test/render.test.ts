/**
 * Server-side charts and PDFs: ECharts renders the report's charts to SVG without a browser, the
 * HTML page embeds them, and the PDF draws the same charts as vector paths next to the report's
 * figures. PDFs are rendered uncompressed here so their content streams can be read.
 */
import PDFDocument from 'pdfkit';
import { describe, expect, it } from 'vitest';
import { computeTransparencyReport, parsePeriod, reportCharts, type TransparencyReport } from '@safeguard/reporting';
import { drawSvg, echartsSvgChart, parseColor, parseTransform, renderHtmlWithCharts, renderPdf } from '../src/index.js';
import { Q1, fixtureSource } from '../../reporting/test/fixtures.js';

const clock = { now: () => new Date('2025-05-01T12:00:00.000Z') };
const report = (): Promise<TransparencyReport> => computeTransparencyReport(fixtureSource(), parsePeriod(Q1.from, Q1.to, clock), { clock });

/** The text of an uncompressed PDF: PDFKit writes standard-font text as kerned hex strings in TJ arrays. */
const pdfText = (pdf: Buffer): string =>
  [...pdf.toString('latin1').matchAll(/\[([^\]]*)\] TJ/g)]
    .map((m) => [...(m[1] ?? '').matchAll(/<([0-9a-f]*)>/g)].map((h) => Buffer.from(h[1] ?? '', 'hex').toString('latin1')).join(''))
    .join('\n');

describe('ECharts on the server', () => {
  it('renders each chart of the report to SVG, one bar per value', async () => {
    const charts = reportCharts(await report());
    expect(charts.map((c) => c.id)).toEqual(['denied-by-rule', 'denied-by-day', 'accounts-by-band', 'accounts-by-assurance', 'defaults-kept', 'notices-by-category', 'complaint-outcomes', 'alerts-by-kind']);
    const denied = charts[0]!;
    const svg = echartsSvgChart(denied, { width: 640, height: 320 });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg).toContain('Interactions denied, by rule');
    const bars = [...svg.matchAll(/ecmeta_series_index="0" ecmeta_data_index="(\d+)"/g)].map((m) => Number(m[1]));
    expect(bars).toEqual([0, 1, 2, 3]);
    expect(svg).toContain('DEF-05');
  });

  it('embeds the charts in the HTML page', async () => {
    const html = renderHtmlWithCharts(await report());
    expect(html.match(/<svg/g)?.length).toBe(8);
    expect(html).toContain('ecmeta_');
  });
});

describe('PDF', () => {
  it('holds the figures and the charts as vector graphics, deterministically', async () => {
    const r = await report();
    const pdf = await renderPdf(r, { uncompressed: true });
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    const words = pdfText(pdf);
    expect(words).toContain('Transparency report');
    expect(words).toContain('Totals reconcile');
    // Chart titles and labels drawn from the ECharts SVG, and filled bar paths.
    expect(words).toContain('Interactions denied, by rule');
    expect(words).toContain('DEF-05');
    expect(text.match(/\bf\n/g)?.length ?? 0).toBeGreaterThan(30);
    expect(Number(/\/Count (\d+)/.exec(text)?.[1])).toBeGreaterThanOrEqual(3);
    const again = await renderPdf(r, { uncompressed: true });
    expect(again.equals(pdf)).toBe(true);
    const compressed = await renderPdf(r);
    expect(compressed.length).toBeLessThan(pdf.length);
  });

  it('says so on the first page when totals do not reconcile', async () => {
    const bad = await computeTransparencyReport(fixtureSource({}, { controlTotals: () => Promise.resolve({ notices: 99 }) }), parsePeriod(Q1.from, Q1.to, clock), { clock, allowUnreconciled: true });
    expect(pdfText(await renderPdf(bad, { uncompressed: true }))).toContain('Totals do NOT reconcile');
  });
});

describe('SVG to PDF', () => {
  it('parses transforms and colours', () => {
    expect(parseTransform('translate(10 20) scale(2)')).toEqual([2, 0, 0, 2, 10, 20]);
    expect(parseTransform('matrix(3,0,0,3,110,101.5)')).toEqual([3, 0, 0, 3, 110, 101.5]);
    const r = parseTransform('rotate(90)');
    expect(r.map((v) => Math.round(v))).toEqual([0, 1, -1, 0, 0, 0]);
    expect(parseColor('rgba(0,0,0,0)')).toBeNull();
    expect(parseColor('rgb(10,20,30)')).toEqual({ color: [10, 20, 30], opacity: 1 });
    expect(parseColor('none')).toBeNull();
  });

  it('draws shapes with their transforms and skips definitions', async () => {
    const doc = new PDFDocument({ compress: false, size: [200, 200], margin: 0 });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    const ended = new Promise((resolve) => doc.on('end', resolve));
    const height = drawSvg(
      doc,
      '<svg width="100" height="50" viewBox="0 0 100 50"><defs><clipPath id="c"><path d="M0 0L9 9Z" fill="#123456"/></clipPath></defs><g transform="translate(5 5)"><rect x="1" y="2" width="3" height="4" fill="#ff0000"/></g><text x="50" y="25" text-anchor="middle" dominant-baseline="central" style="font-size:10px">Hi &amp; bye</text></svg>',
      0,
      0,
      200,
    );
    doc.end();
    await ended;
    const pdf = Buffer.concat(chunks);
    const text = pdf.toString('latin1');
    expect(height).toBe(100);
    expect(text).toMatch(/2 0 0 2 0 0 cm/);
    expect(text).toMatch(/1 0 0 1 5 5 cm/);
    expect(text).toMatch(/1 2 3 4 re/);
    expect(text).not.toContain('0.07059 0.20392 0.33725 rg');
    expect(pdfText(pdf)).toContain('Hi & bye');
  });
});
