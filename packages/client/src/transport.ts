/**
 * The hand-written half of the client: turns an operation (method, path template, body kind) and
 * typed arguments into one fetch call, and the answer into a value or a SafeguardApiError.
 *
 * Contract:
 *  - path parameters are URL-encoded into the template; query values left undefined are omitted,
 *    arrays repeat the key; JSON bodies are serialised, binary bodies and FormData sent as they are;
 *  - every request carries `Authorization: Bearer <apiKey>` when a key is configured;
 *  - a 2xx answer resolves to the parsed JSON body (undefined for an empty body; raw bytes as a
 *    Uint8Array when the server answers another media type, e.g. a PDF report);
 *  - any other answer rejects with SafeguardApiError carrying the status and the error body's
 *    code, message and details (every Safeguard error has that shape); a network failure or a
 *    timeout rejects with the underlying error, its cause kept.
 * No retries here: whether a call is safe to repeat is the caller's decision (messages and reports
 * carry idempotency keys for exactly that).
 */

export interface OperationSpec {
  readonly method: string;
  readonly path: string;
  readonly body: 'json' | 'binary' | 'multipart' | null;
  readonly contentType: string | null;
}

/** Arguments of an operation that takes none. */
export type NoArgs = Record<string, never>;

/** A binary request body (an image upload). */
export type BinaryBody = Uint8Array | ArrayBuffer | Blob;

export type FetchLike = (input: string, init: RequestInit) => Promise<Response>;

export interface ClientOptions {
  /** Where the Safeguard API is, e.g. http://127.0.0.1:8080 (no trailing /v1). */
  readonly baseUrl: string;
  /** A tenant API key (sgk_…); a platform backend uses a key with the `platform` role. */
  readonly apiKey?: string;
  /** The fetch to use (tests, proxies); globalThis.fetch by default. */
  readonly fetch?: FetchLike;
  /** Headers sent with every request. */
  readonly headers?: Readonly<Record<string, string>>;
  /** Abort a request after this many milliseconds (default 30 s). */
  readonly timeoutMs?: number;
}

/** The shape of every Safeguard error body. */
export interface ApiErrorBody {
  readonly error: { readonly code: string; readonly message: string; readonly details?: unknown };
}

/** A non-2xx answer from Safeguard. */
export class SafeguardApiError extends Error {
  override readonly name = 'SafeguardApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
    readonly operation: string,
  ) {
    super(message);
  }
}

export function isSafeguardApiError(error: unknown): error is SafeguardApiError {
  return error instanceof SafeguardApiError;
}

export interface CallArgs {
  readonly params?: Readonly<Record<string, string | number>>;
  readonly query?: Readonly<Record<string, unknown>>;
  readonly headers?: Readonly<Record<string, unknown>>;
  readonly body?: unknown;
  readonly contentType?: string;
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = value.error;
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string';
}

export class Transport {
  readonly baseUrl: string;
  private readonly apiKey: string | undefined;
  private readonly fetchImpl: FetchLike;
  private readonly headers: Readonly<Record<string, string>>;
  private readonly timeoutMs: number;

  constructor(options: ClientOptions) {
    this.baseUrl = options.baseUrl.replace(/\/+$/, '');
    this.apiKey = options.apiKey;
    this.fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
    this.headers = options.headers ?? {};
    this.timeoutMs = options.timeoutMs ?? 30_000;
  }

  /** The server's own OpenAPI document (public): what this server can do right now. */
  async openApiDocument(): Promise<{ paths: Record<string, Record<string, unknown>>; info: { version: string } }> {
    return this.call({ method: 'GET', path: '/openapi.json', body: null, contentType: null }, {});
  }

  /** True when the server documents `method path` (e.g. 'POST', '/v1/media'). */
  async supports(method: string, path: string): Promise<boolean> {
    const document = await this.openApiDocument();
    return Boolean(document.paths[path]?.[method.toLowerCase()]);
  }

  /**
   * An operation this client was not generated with — a route newer than the client — untyped.
   * Ask `supports()` first; prefer the generated method once the client is regenerated.
   */
  async request(method: string, path: string, args: CallArgs = {}): Promise<unknown> {
    const body = args.body;
    const kind: OperationSpec['body'] =
      body === undefined ? null : body instanceof FormData ? 'multipart' : body instanceof Uint8Array || body instanceof ArrayBuffer || body instanceof Blob ? 'binary' : 'json';
    return this.call<unknown>({ method: method.toUpperCase(), path, body: kind, contentType: kind === 'json' ? 'application/json' : null }, args);
  }

  /** One request. Generated methods call this; use them rather than calling it directly. */
  protected async call<R>(op: OperationSpec, args: CallArgs): Promise<R> {
    const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => {
      const value = args.params?.[name];
      if (value === undefined) throw new TypeError(`${op.method} ${op.path}: missing path parameter "${name}"`);
      return encodeURIComponent(String(value));
    });
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(args.query ?? {})) {
      if (value === undefined || value === null) continue;
      for (const v of Array.isArray(value) ? (value as unknown[]) : [value]) {
        if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') search.append(key, String(v));
      }
    }
    const query = search.toString();
    const url = `${this.baseUrl}${path}${query ? `?${query}` : ''}`;

    const headers: Record<string, string> = { accept: 'application/json', ...this.headers };
    if (this.apiKey) headers.authorization = `Bearer ${this.apiKey}`;
    for (const [key, value] of Object.entries(args.headers ?? {})) {
      if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') headers[key.toLowerCase()] = String(value);
    }
    let body: RequestInit['body'];
    if (op.body === 'json' && args.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(args.body);
    } else if (op.body === 'binary' && args.body !== undefined) {
      headers['content-type'] = args.contentType ?? op.contentType ?? 'application/octet-stream';
      body = args.body as Blob;
    } else if (op.body === 'multipart' && args.body !== undefined) {
      body = args.body as FormData;
    }

    const name = `${op.method} ${op.path}`;
    const response = await this.fetchImpl(url, {
      method: op.method,
      headers,
      ...(body !== undefined ? { body } : {}),
      signal: AbortSignal.timeout(this.timeoutMs),
    });
    const type = response.headers.get('content-type') ?? '';
    let payload: unknown;
    if (/\bjson\b/i.test(type)) {
      const text = await response.text();
      payload = text.length > 0 ? (JSON.parse(text) as unknown) : undefined;
    } else {
      const bytes = new Uint8Array(await response.arrayBuffer());
      payload = bytes.length > 0 ? bytes : undefined;
    }
    if (response.ok) return payload as R;
    if (isErrorBody(payload)) {
      throw new SafeguardApiError(response.status, payload.error.code, payload.error.message, payload.error.details, name);
    }
    throw new SafeguardApiError(response.status, 'http_error', `${name} answered ${response.status}`, payload, name);
  }
}
