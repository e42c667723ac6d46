// The "customer website": a page on another origin (127.0.0.1:<port>) that embeds the widget
// exactly as the README tells hosts to — a module script tag from the chat server's origin
// (localhost:<port>) and an <inapp-talk> element. Every inapp-talk-* event is recorded in
// window.__events by a classic script that runs before the widget module.
import { readFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import { join } from "node:path";
import { mintExpiredToken, mintToken } from "./api.ts";
import { REPO_ROOT } from "./paths.ts";

export interface HostPageOptions {
  /** Origin the widget script is loaded from, e.g. http://localhost:8787. */
  widgetOrigin: string;
  /** Attributes of <inapp-talk>. */
  attrs: Record<string, string>;
  /** `<html lang>` of the host page. */
  htmlLang?: string;
  /** Extra CSS for the host page (e.g. a fixed-size container for the inline layout). */
  css?: string;
}

export interface HostServer {
  readonly origin: string;
  /** URL of a host page for these options. */
  url(options: HostPageOptions): string;
  close(): Promise<void>;
}

const EVENT_RECORDER = `
window.__events = [];
for (const type of ["inapp-talk-ready", "inapp-talk-message", "inapp-talk-error", "inapp-talk-unread", "inapp-talk-conversation", "inapp-talk-push"]) {
  document.addEventListener(type, (e) => {
    let detail = null;
    try { detail = JSON.parse(JSON.stringify(e.detail ?? null)); } catch { detail = String(e.detail); }
    const host = e.composedPath()[0];
    const root = host && host.shadowRoot;
    window.__events.push({
      type, detail, bubbles: e.bubbles, composed: e.composed,
      // What the user could see when the event fired: history must be on screen at "ready".
      messagesShown: root ? root.querySelectorAll('[part~="message"]').length : -1,
    });
  });
}`;

const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

export function hostPageHtml(o: HostPageOptions): string {
  const attrs = Object.entries(o.attrs)
    .map(([k, v]) => ` ${k}="${escapeHtml(v)}"`)
    .join("");
  return `<!doctype html>
<html lang="${escapeHtml(o.htmlLang ?? "en")}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1, viewport-fit=cover">
<title>Host site</title>
<style>
  html, body { margin: 0; font-family: sans-serif; }
  main { padding: 8px; }
  #chat { height: 560px; max-width: 480px; }
  ${o.css ?? ""}
</style>
<script>${EVENT_RECORDER}</script>
<script type="module" src="${escapeHtml(o.widgetOrigin)}/inapp-talk.js"></script>
</head>
<body>
<main>
<h1>Host site</h1>
<div id="chat"><inapp-talk${attrs}></inapp-talk></div>
</main>
</body>
</html>`;
}

/**
 * The host's own token endpoint for `token-url`, as a host backend would write it: it knows its
 * user from a session cookie (so the widget must fetch it with credentials) and mints a room token
 * with the API key, for the `room` asked (`rooms: ["*"]` without one). `expiredFirst=1` answers the first request of a `key` with an expired token,
 * as a backend with a stale cache would; the widget must recover by fetching again.
 */
async function tokenEndpoint(
  url: URL,
  cookie: string | undefined,
  hits: Map<string, number>,
  log: Map<string, Array<{ at: number; exp: number }>>,
): Promise<[number, unknown]> {
  if (!/(?:^|;\s*)host_session=signed-in(?:;|$)/.test(cookie ?? "")) return [401, { error: { code: "unauthorized", message: "no host session cookie" } }];
  const p = Object.fromEntries(url.searchParams) as Record<string, string>;
  const key = p.key ?? "";
  const n = (hits.get(key) ?? 0) + 1;
  hits.set(key, n);
  // Without `room` (the inbox asks so for its own socket): a token for every room of the user's.
  const req = { user: p.user!, name: p.name!, rooms: [p.room || "*"], ...(p.ttl ? { ttl: Number(p.ttl) } : {}) };
  const token = p.expiredFirst === "1" && n === 1 ? await mintExpiredToken(p.server!, req) : await mintToken(p.server!, req);
  const exp = (JSON.parse(Buffer.from(token.split(".")[1]!, "base64url").toString()) as { exp: number }).exp;
  log.set(key, [...(log.get(key) ?? []), { at: Date.now(), exp: exp * 1000 }]);
  return [200, { token }];
}

export function startHostServer(port: number): Promise<HostServer> {
  const hits = new Map<string, number>();
  /** When each token was handed out and when it expires (ms), per key. */
  const log = new Map<string, Array<{ at: number; exp: number }>>();
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://x");
    const json = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": "application/json", "cache-control": "no-store" }).end(JSON.stringify(body));
    if (url.pathname === "/token") {
      tokenEndpoint(url, req.headers.cookie, hits, log).then(
        ([status, body]) => json(status, body),
        (err: unknown) => json(500, { error: { code: "internal", message: String(err) } }),
      );
      return;
    }
    if (url.pathname === "/token-hits") {
      const key = url.searchParams.get("key") ?? "";
      json(200, { hits: hits.get(key) ?? 0, tokens: log.get(key) ?? [] });
      return;
    }
    // The push service worker, served by the host from its own origin as the README tells hosts to.
    if (url.pathname === "/inapp-talk-sw.js") {
      res.writeHead(200, { "content-type": "text/javascript", "cache-control": "no-cache" }).end(readFileSync(join(REPO_ROOT, "dist/inapp-talk-sw.js")));
      return;
    }
    if (url.pathname !== "/") {
      res.writeHead(404).end();
      return;
    }
    const raw = url.searchParams.get("o");
    let options: HostPageOptions;
    try {
      options = JSON.parse(raw ?? "") as HostPageOptions;
    } catch {
      res.writeHead(400, { "content-type": "text/plain" }).end("bad o parameter");
      return;
    }
    res
      .writeHead(200, {
        "content-type": "text/html; charset=utf-8",
        "cache-control": "no-store",
        // The host site's own login session, which its token endpoint checks.
        "set-cookie": "host_session=signed-in; Path=/; HttpOnly; SameSite=Lax",
      })
      .end(hostPageHtml(options));
  });
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => {
      const origin = `http://127.0.0.1:${port}`;
      resolve({
        origin,
        url: (o) => `${origin}/?o=${encodeURIComponent(JSON.stringify(o))}`,
        close: () => new Promise((r) => server.close(() => r())),
      });
    });
  });
}
