/**
 * Renders the message list: day separators, stored messages and the user's unsent ones. User
 * text only ever reaches the DOM as Lit text bindings and `<a>` elements built by linkify().
 * Every entry carries its `data-kind`; a kind no installed feature draws (including kinds from a
 * newer server) shows its plain `text` fallback the same way.
 */
import { html, nothing, type TemplateResult } from "lit";
import type { ChatMessage } from "../../protocol/index.ts";
import { formatDay, formatFull, formatTime, startOfDay, t, type Lang } from "../i18n/index.ts";
import { linkify } from "../lib/linkify.ts";
import { errorText } from "./chrome.ts";
import type { WidgetError } from "../events.ts";
import type { OutgoingMessage } from "../lib/outbox.ts";

/** The list around the rows: paging edge, empty state, a connection error. */
export interface ListFrame {
  lang: Lang;
  loadingOlder: boolean;
  loaded: boolean;
  hasOlder: boolean;
  error: WidgetError | null;
  onScroll(e: Event): void;
}

export function renderMessageList(f: ListFrame, view: MessageListView): TemplateResult {
  const { lang } = f;
  const count = view.messages.length;
  const empty = f.loaded && count === 0 && view.outbox.length === 0;
  return html`<ol part="messages" tabindex="0" aria-label=${t(lang, "messages.label")} @scroll=${f.onScroll}>
    ${
      f.loadingOlder
        ? html`<li class="edge">${t(lang, "history.loading")}</li>`
        : f.loaded && !f.hasOlder && count > 0
          ? html`<li class="edge">${t(lang, "history.start")}</li>`
          : nothing
    }
    ${renderMessageRows(view)}
    ${empty ? html`<li class="empty">${t(lang, "history.empty")}</li>` : nothing}
    ${f.error && count === 0 ? html`<li class="notice error">${errorText(lang, f.error)}</li>` : nothing}
  </ol>`;
}

export interface MessageListView {
  lang: Lang;
  /** The signed-in user's id (own messages align right and carry data-status). */
  me: string | null;
  myName: string;
  messages: readonly ChatMessage[];
  outbox: readonly OutgoingMessage[];
  /** Receipt text for a stored own message, if any ("Seen", "Seen by 2"). */
  receipt?: (m: ChatMessage) => { text: string; names: string } | null;
  /** A feature's rendering of a stored entry's kind; undefined shows the `text`. */
  renderKind?: (m: ChatMessage) => unknown;
  onRetry(id: string): void;
}

interface Row {
  id: string;
  seq?: number;
  user: string;
  name: string;
  kind: string;
  text: string;
  ts: number;
  status?: "pending" | "sent" | "failed";
  stored?: ChatMessage;
  error?: OutgoingMessage["error"];
}

/** Messages closer than this from one author share a name label. */
const GROUP_MS = 5 * 60_000;

export function renderMessageRows(view: MessageListView): TemplateResult {
  const rows: Row[] = [];
  for (const m of view.messages) {
    const own = m.user === view.me;
    rows.push({ id: m.id, seq: m.seq, user: m.user, name: m.name, kind: m.kind, text: m.text, ts: m.ts, status: own ? "sent" : undefined, stored: m });
  }
  for (const o of view.outbox) {
    rows.push({ id: o.id, user: view.me ?? "", name: view.myName, kind: "text", text: o.text, ts: o.ts, status: o.status, error: o.error });
  }
  // Day separators and name grouping need the previous row, so build the items in one pass.
  // Unkeyed on purpose: rows only ever change in place or get added, and the repeat directive
  // would cost a kilobyte of the size budget.
  const items: TemplateResult[] = [];
  let prev: Row | undefined;
  for (const row of rows) {
    const day = startOfDay(row.ts);
    const newDay = !prev || startOfDay(prev.ts) !== day;
    if (newDay) items.push(html`<li class="day">${formatDay(view.lang, row.ts)}</li>`);
    const grouped = !newDay && prev!.user === row.user && row.ts - prev!.ts < GROUP_MS;
    items.push(renderRow(view, row, grouped));
    prev = row;
  }
  return html`${items}`;
}

function renderRow(view: MessageListView, row: Row, grouped: boolean): TemplateResult {
  const own = row.status !== undefined;
  const { lang } = view;
  const receipt = own && row.stored && view.receipt ? view.receipt(row.stored) : null;
  const drawn = row.stored && view.renderKind?.(row.stored);
  return html`<li
    part="message"
    class="msg${own ? " own" : ""}${grouped ? " cont" : ""}"
    data-author=${row.user}
    data-seq=${row.seq ?? nothing}
    data-status=${row.status ?? nothing}
    data-id=${row.id}
    data-kind=${row.kind}
  >
    ${grouped || own ? nothing : html`<span class="author">${row.name}</span>`}
    ${own && !grouped ? html`<span class="sr-only">${t(lang, "message.you")}</span>` : nothing}
    <div class="bubble">
      ${drawn ?? html`<p class="text">${renderText(row.text)}</p>`}
      <time class="meta" datetime=${new Date(row.ts).toISOString()} title=${formatFull(lang, row.ts)}>${formatTime(lang, row.ts)}</time>
    </div>
    ${
      row.status === "pending"
        ? html`<span class="state">${t(lang, "message.pending")}</span>`
        : row.status === "failed"
          ? html`<span class="state failed" role="alert"
            >${t(lang, "message.failed")}${row.error ? `: ${errorText(lang, row.error)}` : ""}
            <button type="button" class="retry" @click=${() => view.onRetry(row.id)}>${t(lang, "message.retry")}</button></span
          >`
          : receipt
            ? html`<span part="receipt" class="state" title=${receipt.names}>${receipt.text}</span>`
            : nothing
    }
  </li>`;
}

/** Text and http(s) links; everything else stays a text node. */
export function renderText(text: string): Array<string | TemplateResult> {
  return linkify(text).map((s) => (s.href ? html`<a href=${s.href} target="_blank" rel="noopener noreferrer nofollow">${s.text}</a>` : s.text));
}
