/**
 * A small, strict XML reader for bank files (NCMEC hash-sharing responses): elements, attributes,
 * text, comments, CDATA, the XML declaration and the five predefined plus numeric entities. No
 * DTDs (rejected: they are how "billion laughs" and external-entity attacks start), no external
 * anything. Every element remembers the line it starts on, so import errors can name the line.
 */

export interface XmlElement {
  /** Local name (namespace prefix removed). */
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: XmlElement[];
  /** Concatenated text content directly inside this element, trimmed. */
  text: string;
  readonly line: number;
}

export class XmlSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'XmlSyntaxError';
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

function decodeEntities(raw: string, line: number): string {
  return raw.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|[a-zA-Z]+);|&/g, (whole, body: string | undefined) => {
    if (body === undefined) throw new XmlSyntaxError('bare "&" (write &amp;)', line);
    if (body.startsWith('#x')) return String.fromCodePoint(Number.parseInt(body.slice(2), 16));
    if (body.startsWith('#')) return String.fromCodePoint(Number.parseInt(body.slice(1), 10));
    const value = ENTITIES[body];
    if (value === undefined) throw new XmlSyntaxError(`unknown entity ${whole}`, line);
    return value;
  });
}

const localName = (qname: string): string => qname.slice(qname.indexOf(':') + 1);

/** Parses a whole document and returns its root element. */
export function parseXml(text: string): XmlElement {
  let pos = 0;
  let line = 1;
  const stack: XmlElement[] = [];
  let root: XmlElement | undefined;
  const advance = (to: number): void => {
    for (let i = pos; i < to; i += 1) if (text.charCodeAt(i) === 10) line += 1;
    pos = to;
  };
  const expectEnd = (marker: string, what: string): number => {
    const end = text.indexOf(marker, pos);
    if (end < 0) throw new XmlSyntaxError(`unterminated ${what}`, line);
    return end;
  };
  while (pos < text.length) {
    const lt = text.indexOf('<', pos);
    const chunkEnd = lt < 0 ? text.length : lt;
    if (chunkEnd > pos) {
      const raw = text.slice(pos, chunkEnd);
      const top = stack[stack.length - 1];
      if (top) top.text += decodeEntities(raw, line);
      else if (raw.trim() !== '') throw new XmlSyntaxError('text outside the root element', line);
      advance(chunkEnd);
    }
    if (lt < 0) break;
    if (text.startsWith('<?', pos)) {
      advance(expectEnd('?>', 'processing instruction') + 2);
    } else if (text.startsWith('<!--', pos)) {
      advance(expectEnd('-->', 'comment') + 3);
    } else if (text.startsWith('<![CDATA[', pos)) {
      const end = expectEnd(']]>', 'CDATA section');
      const top = stack[stack.length - 1];
      if (!top) throw new XmlSyntaxError('CDATA outside the root element', line);
      top.text += text.slice(pos + 9, end);
      advance(end + 3);
    } else if (text.startsWith('<!', pos)) {
      throw new XmlSyntaxError('DOCTYPE and entity declarations are not accepted', line);
    } else if (text.startsWith('</', pos)) {
      const end = expectEnd('>', 'end tag');
      const name = localName(text.slice(pos + 2, end).trim());
      const open = stack.pop();
      if (!open) throw new XmlSyntaxError(`unexpected </${name}>`, line);
      if (open.name !== name) throw new XmlSyntaxError(`</${name}> closes <${open.name}> opened on line ${open.line}`, line);
      open.text = open.text.trim();
      advance(end + 1);
    } else {
      const startLine = line;
      const match = /^<([A-Za-z_][\w.:-]*)((?:\s+[A-Za-z_][\w.:-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>/.exec(text.slice(pos, pos + 4096));
      if (!match) throw new XmlSyntaxError('malformed start tag', line);
      const attributes: Record<string, string> = {};
      for (const a of (match[2] ?? '').matchAll(/([A-Za-z_][\w.:-]*)\s*=\s*(?:"([^"]*)"|'([^']*)')/g)) {
        attributes[localName(a[1] ?? '')] = decodeEntities(a[2] ?? a[3] ?? '', startLine);
      }
      const element: XmlElement = { name: localName(match[1] ?? ''), attributes, children: [], text: '', line: startLine };
      const parent = stack[stack.length - 1];
      if (parent) parent.children.push(element);
      else if (root) throw new XmlSyntaxError('more than one root element', line);
      else root = element;
      if (match[3] !== '/') stack.push(element);
      advance(pos + match[0].length);
    }
  }
  const unclosed = stack[stack.length - 1];
  if (unclosed) throw new XmlSyntaxError(`<${unclosed.name}> opened on line ${unclosed.line} is never closed`, line);
  if (!root) throw new XmlSyntaxError('no root element', line);
  return root;
}

export const childElements = (element: XmlElement, name: string): XmlElement[] => element.children.filter((c) => c.name === name);
export const childText = (element: XmlElement, name: string): string | undefined => element.children.find((c) => c.name === name)?.text;
