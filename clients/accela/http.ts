import { AccelaApiError } from './errors';

/** fetch with a per-request timeout, mapping transport failures to typed, retryable errors. */
export class AccelaHttp {
  constructor(private readonly timeoutMs: number) {}

  async send(url: URL, init: RequestInit): Promise<Response> {
    try {
      return await fetch(url, { ...init, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const name = (error as Error).name;
      if (name === 'TimeoutError' || name === 'AbortError') {
        throw new AccelaApiError('timeout', null, 'timeout', `${init.method ?? 'GET'} ${url.pathname} timed out after ${this.timeoutMs} ms`);
      }
      throw new AccelaApiError('network', null, 'network_error', `${init.method ?? 'GET'} ${url.pathname} failed: ${(error as Error).message}`);
    }
  }

  /** The body as JSON, or a typed error naming what came instead (a proxy's HTML page, a cut-off body). */
  async readJson(response: Response): Promise<unknown> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      const name = (error as Error).name;
      const kind = name === 'TimeoutError' || name === 'AbortError' ? 'timeout' : 'network';
      throw new AccelaApiError(kind, response.status, 'body_read_failed', `reading the response failed: ${(error as Error).message}`);
    }
    if (text.trim() === '') return {};
    try {
      return JSON.parse(text);
    } catch {
      const kind = response.status >= 500 ? 'server' : 'invalid_response';
      throw new AccelaApiError(kind, response.status, 'invalid_json', `response ${response.status} is not JSON: ${text.slice(0, 120)}`);
    }
  }
}
