/**
 * Draws SVG — the subset ECharts' server-side renderer and the basic chart renderer emit — onto a
 * PDFKit page as vector graphics: rect, path, line, polyline, polygon, circle and text, nested
 * groups, transforms (translate, scale, rotate, matrix), fill and stroke colours with opacity, and
 * stroke widths. <defs>, <clipPath>, <style> and <title> content is not drawn. This is what lets the
 * PDF carry the same charts as the HTML page without a browser or a rasteriser.
 */
import type PDFDocument from 'pdfkit';

type Doc = InstanceType<typeof PDFDocument>;
type Matrix = [number, number, number, number, number, number];

interface Node {
  readonly tag: string;
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: Node[];
  text: string;
}

const SKIP = new Set(['defs', 'clipPath', 'clippath', 'style', 'title', 'desc', 'metadata', 'mask', 'linearGradient', 'radialGradient', 'pattern']);

const decode = (s: string): string =>
  s
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&#x([0-9a-f]+);/gi, (_, n: string) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&amp;/g, '&');

/** A small tolerant XML parser: elements, attributes and text; no DTDs, no CDATA. */
export function parseSvg(svg: string): Node {
  const root: Node = { tag: '#root', attrs: {}, children: [], text: '' };
  const stack: Node[] = [root];
  const token = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<\/([A-Za-z][\w:-]*)\s*>|<([A-Za-z][\w:-]*)((?:\s+[\w:-]+\s*=\s*(?:"[^"]*"|'[^']*'))*)\s*(\/?)>|([^<]+)/g;
  for (const m of svg.matchAll(token)) {
    const top = stack[stack.length - 1]!;
    if (m[1]) {
      while (stack.length > 1 && stack.pop()!.tag !== m[1]);
    } else if (m[2]) {
      const attrs: Record<string, string> = {};
      for (const a of (m[3] ?? '').matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) attrs[a[1]!] = decode(a[2] ?? a[3] ?? '');
      const node: Node = { tag: m[2], attrs, children: [], text: '' };
      top.children.push(node);
      if (!m[4]) stack.push(node);
    } else if (m[5]) {
      top.text += decode(m[5]);
    }
  }
  const svgNode = root.children.find((c) => c.tag === 'svg');
  if (!svgNode) throw new Error('not an SVG document');
  return svgNode;
}

const multiply = (a: Matrix, b: Matrix): Matrix => [
  a[0] * b[0] + a[2] * b[1],
  a[1] * b[0] + a[3] * b[1],
  a[0] * b[2] + a[2] * b[3],
  a[1] * b[2] + a[3] * b[3],
  a[0] * b[4] + a[2] * b[5] + a[4],
  a[1] * b[4] + a[3] * b[5] + a[5],
];

export function parseTransform(value: string | undefined): Matrix {
  let m: Matrix = [1, 0, 0, 1, 0, 0];
  if (!value) return m;
  for (const t of value.matchAll(/(matrix|translate|scale|rotate)\s*\(([^)]*)\)/g)) {
    const n = (t[2] ?? '').split(/[\s,]+/).filter(Boolean).map(Number);
    let next: Matrix;
    switch (t[1]) {
      case 'matrix':
        next = [n[0] ?? 1, n[1] ?? 0, n[2] ?? 0, n[3] ?? 1, n[4] ?? 0, n[5] ?? 0];
        break;
      case 'translate':
        next = [1, 0, 0, 1, n[0] ?? 0, n[1] ?? 0];
        break;
      case 'scale':
        next = [n[0] ?? 1, 0, 0, n[1] ?? n[0] ?? 1, 0, 0];
        break;
      default: {
        const r = ((n[0] ?? 0) * Math.PI) / 180;
        const [cx, cy] = [n[1] ?? 0, n[2] ?? 0];
        next = multiply(multiply([1, 0, 0, 1, cx, cy], [Math.cos(r), Math.sin(r), -Math.sin(r), Math.cos(r), 0, 0]), [1, 0, 0, 1, -cx, -cy]);
      }
    }
    m = multiply(m, next);
  }
  return m;
}

interface Paint {
  readonly color: string | [number, number, number];
  readonly opacity: number;
}

/** A colour PDFKit understands (hex or named, or RGB parts), or null for none/transparent. */
export function parseColor(value: string | undefined): Paint | null {
  if (!value || value === 'none' || value === 'transparent') return null;
  const rgb = /^rgba?\(\s*([\d.]+)\s*,\s*([\d.]+)\s*,\s*([\d.]+)\s*(?:,\s*([\d.]+)\s*)?\)$/.exec(value.trim());
  if (rgb) {
    const alpha = rgb[4] === undefined ? 1 : Number(rgb[4]);
    return alpha <= 0 ? null : { color: [Number(rgb[1]), Number(rgb[2]), Number(rgb[3])], opacity: alpha };
  }
  if (value.startsWith('url(')) return null;
  return { color: value.trim(), opacity: 1 };
}

function style(node: Node, name: string): string | undefined {
  const inline = node.attrs.style;
  if (inline) {
    const m = new RegExp(`(?:^|;)\\s*${name}\\s*:\\s*([^;]+)`).exec(inline);
    if (m?.[1]) return m[1].trim();
  }
  return node.attrs[name];
}

const num = (v: string | undefined, fallback = 0): number => {
  const n = parseFloat(v ?? '');
  return Number.isFinite(n) ? n : fallback;
};

interface Inherited {
  readonly fill: string | undefined;
  readonly stroke: string | undefined;
  readonly opacity: number;
  readonly fontSize: number;
}

/** Draws an SVG document at (x, y) scaled to `width` points wide; returns the drawn height. */
export function drawSvg(doc: Doc, svg: string, x: number, y: number, width: number): number {
  const root = parseSvg(svg);
  const viewBox = (root.attrs.viewBox ?? '').split(/[\s,]+/).map(Number);
  const w = viewBox.length === 4 && viewBox[2] ? viewBox[2] : num(root.attrs.width, width);
  const h = viewBox.length === 4 && viewBox[3] ? viewBox[3] : num(root.attrs.height, width / 2);
  const scale = width / w;
  doc.save();
  doc.transform(scale, 0, 0, scale, x - (viewBox[0] ?? 0) * scale, y - (viewBox[1] ?? 0) * scale);
  const inherited: Inherited = { fill: '#000', stroke: undefined, opacity: 1, fontSize: 12 };
  for (const child of root.children) drawNode(doc, child, inherited);
  doc.restore();
  return h * scale;
}

function drawNode(doc: Doc, node: Node, parent: Inherited): void {
  if (SKIP.has(node.tag)) return;
  if (style(node, 'display') === 'none' || style(node, 'visibility') === 'hidden') return;
  const state: Inherited = {
    fill: style(node, 'fill') ?? parent.fill,
    stroke: style(node, 'stroke') ?? parent.stroke,
    opacity: parent.opacity * num(style(node, 'opacity'), 1),
    fontSize: num(style(node, 'font-size')?.replace('px', ''), parent.fontSize),
  };
  const transform = node.attrs.transform;
  doc.save();
  if (transform) doc.transform(...parseTransform(transform));
  switch (node.tag) {
    case 'g':
    case 'svg':
    case 'a':
      for (const child of node.children) drawNode(doc, child, state);
      break;
    case 'rect': {
      const [x, y, w, h] = [num(node.attrs.x), num(node.attrs.y), num(node.attrs.width), num(node.attrs.height)];
      if (w > 0 && h > 0) {
        const rx = num(node.attrs.rx);
        if (rx > 0) doc.roundedRect(x, y, w, h, rx);
        else doc.rect(x, y, w, h);
        paint(doc, node, state);
      }
      break;
    }
    case 'path':
      if (node.attrs.d) {
        doc.path(node.attrs.d);
        paint(doc, node, state);
      }
      break;
    case 'line':
      doc.moveTo(num(node.attrs.x1), num(node.attrs.y1)).lineTo(num(node.attrs.x2), num(node.attrs.y2));
      paint(doc, node, { ...state, fill: 'none' });
      break;
    case 'polyline':
    case 'polygon': {
      const pts = (node.attrs.points ?? '').trim().split(/[\s,]+/).map(Number);
      if (pts.length >= 4) {
        doc.moveTo(pts[0]!, pts[1]!);
        for (let i = 2; i + 1 < pts.length; i += 2) doc.lineTo(pts[i]!, pts[i + 1]!);
        if (node.tag === 'polygon') doc.closePath();
        paint(doc, node, node.tag === 'polyline' && node.attrs.fill === undefined ? { ...state, fill: 'none' } : state);
      }
      break;
    }
    case 'circle':
    case 'ellipse': {
      const rx = num(node.attrs.r ?? node.attrs.rx);
      const ry = num(node.attrs.r ?? node.attrs.ry);
      if (rx > 0 && ry > 0) {
        doc.ellipse(num(node.attrs.cx), num(node.attrs.cy), rx, ry);
        paint(doc, node, state);
      }
      break;
    }
    case 'text':
      drawText(doc, node, state);
      break;
    default:
      break;
  }
  doc.restore();
}

function paint(doc: Doc, node: Node, state: Inherited): void {
  const fill = parseColor(state.fill);
  const stroke = parseColor(state.stroke);
  const strokeWidth = num(style(node, 'stroke-width'), 1);
  const fillOpacity = num(style(node, 'fill-opacity'), 1) * state.opacity;
  const strokeOpacity = num(style(node, 'stroke-opacity'), 1) * state.opacity;
  const doFill = fill !== null && fillOpacity > 0;
  const doStroke = stroke !== null && strokeWidth > 0 && strokeOpacity > 0;
  if (doFill) doc.fillColor(fill.color, fill.opacity * fillOpacity);
  if (doStroke) {
    doc.strokeColor(stroke.color, stroke.opacity * strokeOpacity).lineWidth(strokeWidth);
    const dash = style(node, 'stroke-dasharray');
    if (dash && dash !== 'none') {
      const parts = dash.split(/[\s,]+/).map(Number).filter((n) => n > 0);
      if (parts.length > 0) doc.dash(parts[0]!, { space: parts[1] ?? parts[0]! });
    }
  }
  if (doFill && doStroke) doc.fillAndStroke();
  else if (doFill) doc.fill();
  else if (doStroke) doc.stroke();
  // Invisible: end the path without painting it (PDF operator n) so it joins nothing later.
  else doc.addContent('n');
  if (doStroke) doc.undash();
}

function drawText(doc: Doc, node: Node, state: Inherited): void {
  const content = (node.text + node.children.map((c) => c.text).join('')).replace(/\s+/g, ' ').trim();
  if (!content) return;
  const fill = parseColor(state.fill) ?? { color: '#000', opacity: 1 };
  const size = state.fontSize;
  const bold = /bold|[6-9]00/.test(style(node, 'font-weight') ?? '');
  doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(size).fillColor(fill.color, fill.opacity * state.opacity);
  const textWidth = doc.widthOfString(content);
  const anchor = style(node, 'text-anchor') ?? 'start';
  let x = num(node.attrs.x) + num(node.attrs.dx);
  if (anchor === 'middle') x -= textWidth / 2;
  else if (anchor === 'end') x -= textWidth;
  // PDFKit places text by its top; SVG places it by the baseline (or the centre for 'central').
  const baseline = style(node, 'dominant-baseline') ?? style(node, 'alignment-baseline') ?? 'alphabetic';
  let y = num(node.attrs.y) + num(node.attrs.dy);
  if (baseline === 'central' || baseline === 'middle') y -= size * 0.5;
  else if (baseline === 'hanging' || baseline === 'text-before-edge') y -= 0;
  else y -= size * 0.8;
  doc.text(content, x, y, { lineBreak: false });
}
