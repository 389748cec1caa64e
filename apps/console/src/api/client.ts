/**
 * A small fetch client for the Safeguard API. Every call carries the signed-in key as a bearer
 * token; errors come back in the API's one shape ({"error":{"code","message","details"}}) and are
 * thrown as ApiError so pages can show the server's own message. Same origin by default: the
 * server serves the console at /console next to /v1.
 */

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown = undefined,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type FetchLike = (input: string, init?: RequestInit) => Promise<Response>;

export class ApiClient {
  constructor(
    private readonly key: string,
    private readonly base = '',
    private readonly fetchImpl: FetchLike = (input, init) => fetch(input, init),
  ) {}

  get<T>(path: string, query?: Readonly<Record<string, string | number | undefined | null>>): Promise<T> {
    const qs = query ? Object.entries(query).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== null && e[1] !== '') : [];
    const url = qs.length > 0 ? `${path}?${new URLSearchParams(qs.map(([k, v]) => [k, String(v)])).toString()}` : path;
    return this.request<T>('GET', url);
  }

  /** A non-JSON answer (a CSV, HTML or PDF report) as a Blob, for the browser to save. */
  async blob(path: string): Promise<Blob> {
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.base}${path}`, { method: 'GET', headers: { authorization: `Bearer ${this.key}` }, cache: 'no-store' });
    } catch (error) {
      throw new ApiError(0, 'network', `The Safeguard server could not be reached (${error instanceof Error ? error.message : String(error)})`);
    }
    if (!response.ok) {
      const parsed = (await response.json().catch(() => null)) as { error?: { code?: string; message?: string } } | null;
      throw new ApiError(response.status, parsed?.error?.code ?? `http_${response.status}`, parsed?.error?.message ?? `The server answered ${response.status}`);
    }
    return response.blob();
  }

  post<T>(path: string, body?: unknown): Promise<T> {
    return this.request<T>('POST', path, body ?? {});
  }

  private async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.key}`, accept: 'application/json' };
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await this.fetchImpl(`${this.base}${path}`, { method, headers, ...(body !== undefined ? { body: JSON.stringify(body) } : {}), cache: 'no-store' });
    } catch (error) {
      throw new ApiError(0, 'network', `The Safeguard server could not be reached (${error instanceof Error ? error.message : String(error)})`);
    }
    const text = await response.text();
    let parsed: unknown = null;
    if (text.length > 0) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = null;
      }
    }
    if (!response.ok) {
      const error = (parsed as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
      throw new ApiError(
        response.status,
        typeof error?.code === 'string' ? error.code : `http_${response.status}`,
        typeof error?.message === 'string' ? error.message : `The server answered ${response.status}`,
        error?.details,
      );
    }
    return parsed as T;
  }
}
