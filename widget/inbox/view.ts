/**
 * The conversation list (the panel while no conversation is open) and the back control a
 * conversation gets. The list has one tab stop (roving focus): arrow keys, Home and End move it,
 * Enter or Space opens the row. Each row is one button whose label says everything it shows.
 * Titles and previews are user text and reach the DOM as Lit text bindings only.
 */
import { html, nothing, type TemplateResult } from "lit";
import type { Conversation } from "../../protocol/index.ts";
import { t, type Lang, type MessageKey } from "../i18n/index.ts";
import { colour, errorText, initial } from "../views/chrome.ts";
import { PAGE_AHEAD_PX, type InboxController } from "./controller.ts";
import { capUnread, preview, rowTime } from "./format.ts";

const ROW = '[part~="conversation"]';

export function renderInbox(c: InboxController, lang: Lang, end: unknown): TemplateResult {
  const { list } = c;
  const status = c.error
    ? errorText(lang, c.error.code === "config" ? { ...c.error, message: t(lang, "error.config", { detail: c.error.message }) } : c.error)
    : null;
  const state = c.state === "error" && !c.error && list.loaded ? "reconnecting" : c.state;
  return html`<header part="header">
      <div class="heading">
        <h2 class="title" id="title">${t(lang, "inbox.title")}</h2>
        <div part="status" data-state=${state} role="status">${status ?? t(lang, `status.${state}` as MessageKey)}</div>
      </div>
      ${end}
    </header>
    <div part="inbox" @scroll=${(e: Event) => onScroll(c, e)}>${renderBody(c, lang, status)}</div>
    <div class="sr-only" aria-live="polite">
      ${c.announcement ? t(lang, "inbox.announce", { title: c.announcement.title, count: capUnread(c.announcement.unread) }) : nothing}
    </div>`;
}

function renderBody(c: InboxController, lang: Lang, error: string | null): TemplateResult {
  const { list } = c;
  if (error) return html`<p class="notice error" role="alert">${error}</p>`;
  if (!list.loaded) return html`<p class="notice">${t(lang, c.state === "error" ? "inbox.error" : "inbox.loading")}</p>`;
  if (list.rows.length === 0) return html`<p class="notice">${t(lang, "inbox.empty")}</p>`;
  const now = Date.now();
  const active = list.rows.some((r) => r.room === c.active) ? c.active : list.rows[0]!.room;
  const label = list.total ? `${t(lang, "inbox.label")}, ${t(lang, "inbox.total", { count: list.total })}` : t(lang, "inbox.label");
  return html`<ul aria-label=${label} @keydown=${(e: KeyboardEvent) => onKeydown(c, e)} @focusin=${(e: FocusEvent) => onFocus(c, e)}>
      ${list.rows.map((row) => renderRow(c, lang, row, row.room === active, now))}
    </ul>
    ${c.paging ? html`<p class="notice more" role="status">${t(lang, "inbox.loadingMore")}</p>` : nothing}`;
}

/**
 * A row is one button named by its content (what is seen is what is heard), with the words a
 * screen reader needs and the eye does not ("online", "3 unread", pauses) in visually hidden text.
 */
function renderRow(c: InboxController, lang: Lang, row: Conversation, tabStop: boolean, now: number): TemplateResult {
  const { last, unread, peer } = row;
  const sr = (text: string) => html`<span class="sr-only">${text}</span>`;
  return html`<li>
    <button part="conversation" type="button" data-room=${row.room} data-unread=${unread} tabindex=${tabStop ? 0 : -1} @click=${() => c.open(row.room)}>
      <span class="face c${colour(peer?.user ?? row.room)}" aria-hidden="true">${initial(row.title)}${peer?.online ? html`<i part="online"></i>` : nothing}</span>
      <span class="line">
        <span part="conversation-title">${row.title}</span>${peer?.online ? sr(`, ${t(lang, "inbox.online")}`) : nothing}
        ${last ? html`${sr(", ")}<time part="conversation-time" datetime=${new Date(last.ts).toISOString()}>${rowTime(lang, last.ts, now)}</time>` : nothing}
      </span>
      <span class="line">
        ${sr(", ")}<span part="conversation-preview">${last ? preview(lang, row, c.me) : t(lang, "inbox.noMessages")}</span>
        ${unread > 0 ? html`${sr(", ")}<span part="unread" aria-hidden="true">${capUnread(unread)}</span>${sr(t(lang, "inbox.unread", { count: capUnread(unread) }))}` : nothing}
      </span>
    </button>
  </li>`;
}

/** The conversation's way back to the list (start of its header). */
export function renderBack(c: InboxController, lang: Lang): TemplateResult {
  const label = t(lang, "inbox.back");
  return html`<button part="back" type="button" class="back" aria-label=${label} title=${label} @click=${() => c.back()}>
    <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M15 5l-7 7 7 7" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round" /></svg>
  </button>`;
}

function onScroll(c: InboxController, e: Event): void {
  const box = e.currentTarget as HTMLElement;
  if (box.scrollTop + box.clientHeight >= box.scrollHeight - PAGE_AHEAD_PX) c.more();
}

/** Keeps the tab stop on the row that has focus (a click or Tab lands anywhere). */
function onFocus(c: InboxController, e: FocusEvent): void {
  const room = (e.target as HTMLElement).closest<HTMLElement>(ROW)?.dataset.room;
  if (room && room !== c.active) {
    c.active = room;
    c.requestUpdate();
  }
}

function onKeydown(c: InboxController, e: KeyboardEvent): void {
  const rows = [...(e.currentTarget as HTMLElement).querySelectorAll<HTMLElement>(ROW)];
  const i = rows.indexOf(e.target as HTMLElement);
  if (i < 0) return;
  const last = rows.length - 1;
  const to = e.key === "ArrowDown" ? Math.min(i + 1, last) : e.key === "ArrowUp" ? Math.max(i - 1, 0) : e.key === "Home" ? 0 : e.key === "End" ? last : -1;
  if (to < 0) return;
  e.preventDefault();
  rows[to]!.focus();
  // At the end of what is loaded, the next page is on its way.
  if (to === last) c.more();
}
