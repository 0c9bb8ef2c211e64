/**
 * The `fetch` the openai SDK uses for every endpoint. It reads each reply whole before handing it
 * on, so a connection reset in the middle of a body surfaces inside fetch (the SDK reports it as a
 * connection error, which is retried) instead of as a parse error after the SDK has accepted the
 * reply. An error body in vLLM's older top-level shape `{"object": "error", "message": …}` is
 * wrapped as `{"error": {…}}`, the shape the SDK reads its message from (else it says "no body";
 * docs/llm-endpoints.md).
 */
export async function endpointFetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
  const res = await fetch(input, init);
  const body = await res.arrayBuffer();
  let out: ArrayBuffer | string | null = res.status === 204 || res.status === 304 ? null : body;
  if (!res.ok && body.byteLength > 0) {
    try {
      const parsed = JSON.parse(Buffer.from(body).toString('utf8')) as Record<string, unknown>;
      if (
        parsed &&
        typeof parsed === 'object' &&
        parsed.error === undefined &&
        typeof parsed.message === 'string'
      ) {
        out = JSON.stringify({ error: parsed });
      }
    } catch {
      /* not JSON: the SDK shows the text as it is */
    }
  }
  const headers = new Headers(res.headers);
  headers.delete('content-length');
  headers.delete('content-encoding'); // already decoded by fetch
  return new Response(out, { status: res.status, statusText: res.statusText, headers });
}
