// Calls to cairn-server's Zipkin API. Every failure becomes an ApiError whose message says what
// was asked and what came back (status and the server's text), ready to show to a person.

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Params = Record<string, string | number | undefined>;

// The URL of an API path relative to the page's <base href> (cairn-server mounts the API under
// the UI's base path too, as Zipkin does).
export function apiUrl(path: string, params: Params = {}, base: string = document.baseURI): string {
  const url = new URL(path, base);
  for (const [key, value] of Object.entries(params)) {
    if (value !== undefined && value !== '') url.searchParams.set(key, String(value));
  }
  return url.toString();
}

function describe(path: string): string {
  return path.replace(/^api\/v2\//, '/api/v2/');
}

// GETs `path` and parses its JSON. Aborts propagate as the fetch's AbortError.
export async function getJson<T>(path: string, params: Params = {}, signal?: AbortSignal): Promise<T> {
  const url = apiUrl(path, params);
  let response: Response;
  try {
    response = await fetch(url, { signal, headers: { Accept: 'application/json' } });
  } catch (e) {
    if ((e as Error).name === 'AbortError') throw e;
    throw new ApiError(`Cannot reach cairn-server for ${describe(path)}: ${(e as Error).message}`);
  }
  const text = await response.text();
  if (!response.ok) {
    const detail = text.trim().slice(0, 500);
    throw new ApiError(
      `${describe(path)} failed: ${response.status} ${response.statusText}${detail ? `: ${detail}` : ''}`,
      response.status,
    );
  }
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new ApiError(`${describe(path)} answered with malformed JSON`, response.status);
  }
}

export function isAbort(e: unknown): boolean {
  return (e as Error | undefined)?.name === 'AbortError';
}

export function errorMessage(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
