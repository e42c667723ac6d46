/**
 * The widget runs on any host site, so the API and static files are open to every origin.
 * No cookies are involved (tokens travel in the Authorization header or the socket URL), so `*` is safe.
 */
const CORS_HEADERS: Record<string, string> = {
  "Access-Control-Allow-Origin": "*",
  "Access-Control-Allow-Methods": "GET, POST, PUT, DELETE, OPTIONS",
  "Access-Control-Allow-Headers": "Authorization, Content-Type",
  "Access-Control-Expose-Headers": "Retry-After",
  "Access-Control-Max-Age": "86400",
};

export function preflight(): Response {
  return new Response(null, { status: 204, headers: CORS_HEADERS });
}

export function withCors(response: Response): Response {
  const out = new Response(response.body, response);
  for (const [k, v] of Object.entries(CORS_HEADERS)) out.headers.set(k, v);
  // Lets a page with Cross-Origin-Embedder-Policy load the widget and its chunks.
  out.headers.set("Cross-Origin-Resource-Policy", "cross-origin");
  return out;
}
