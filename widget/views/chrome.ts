/**
 * The panel's chrome around the message list: header (title, presence, status, close), typing
 * line and the launcher bubble with its unread badge.
 */
import { html, nothing, type TemplateResult } from "lit";
import { MAX_NAME_LENGTH } from "../../protocol/index.ts";
import type { WidgetError } from "../events.ts";
import { t, type Lang } from "../i18n/index.ts";

export interface HeaderView {
  lang: Lang;
  state: string;
  statusText: string;
  others: Array<{ user: string; name: string }>;
  /** The host's title for this conversation; the generic label otherwise. */
  title: string | null;
  /** Launcher layout: a close button in the header. */
  onClose?: () => void;
}

const MAX_AVATARS = 4;

export function renderHeader(v: HeaderView): TemplateResult {
  const shown = v.others.slice(0, MAX_AVATARS);
  const extra = v.others.length - shown.length;
  return html`<header part="header">
    <div class="heading">
      <h2 class="title" id="title">${v.title ?? t(v.lang, "panel.label")}</h2>
      <div part="status" data-state=${v.state} role="status">${v.statusText}</div>
    </div>
    <ul part="presence" aria-label=${t(v.lang, "presence.label")}>
      ${shown.map(
        // Names are in the text once (for screen readers); sighted users get a CSS tooltip from data-name.
        (o) => html`<li class="avatar c${colour(o.user)}" data-user=${o.user} data-name=${o.name}>
          <span aria-hidden="true">${initial(o.name)}</span><span class="sr-only">${o.name}</span>
        </li>`,
      )}
      ${extra > 0 ? html`<li class="avatar more"><span aria-hidden="true">+${extra}</span><span class="sr-only">${t(v.lang, "presence.count", { count: v.others.length })}</span></li>` : nothing}
    </ul>
    ${v.onClose
      ? html`<button type="button" class="close" aria-label=${t(v.lang, "launcher.close")} title=${t(v.lang, "launcher.close")} @click=${v.onClose}>
          <svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6 6 18" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" /></svg>
        </button>`
      : nothing}
  </header>`;
}

export function renderTyping(lang: Lang, names: string[]): TemplateResult {
  const text =
    names.length === 0
      ? ""
      : names.length === 1
        ? t(lang, "typing.one", { name: names[0]! })
        : names.length === 2
          ? t(lang, "typing.two", { a: names[0]!, b: names[1]! })
          : t(lang, "typing.many");
  return html`<div part="typing" aria-live="polite">${text ? html`<span class="dots" aria-hidden="true"><i></i><i></i><i></i></span>${text}` : nothing}</div>`;
}

export function renderLauncher(lang: Lang, open: boolean, unread: number, onToggle: () => void): TemplateResult {
  const label = t(lang, open ? "launcher.close" : "launcher.open");
  const badge = unread > 99 ? "99+" : String(unread);
  return html`<button
    part="launcher"
    type="button"
    aria-expanded=${open ? "true" : "false"}
    aria-controls="panel"
    aria-label=${unread && !open ? `${label}, ${t(lang, "launcher.unread", { count: unread })}` : label}
    title=${label}
    @click=${onToggle}
  >
    ${open
      ? html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6 6 18" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" /></svg>`
      : html`<svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v9a2.5 2.5 0 0 1-2.5 2.5H10l-4.6 3.7A.9.9 0 0 1 4 20V5.5z" /></svg>`}
    <span part="badge" aria-hidden="true" ?hidden=${!unread || open}>${badge}</span>
  </button>`;
}

/**
 * One of eight avatar colours, stable per user. Classes rather than a style attribute, so the
 * widget works under a CSP without 'unsafe-inline' styles.
 */
function colour(user: string): number {
  let h = 0;
  for (let i = 0; i < user.length; i++) h = (h * 31 + user.charCodeAt(i)) % 8;
  return h;
}

function initial(name: string): string {
  return (Array.from(name.trim())[0] ?? "?").toUpperCase();
}

/** Guests without a `name` attribute are asked for one before joining. */
export function renderNameForm(lang: Lang, onSubmit: (e: SubmitEvent) => void): TemplateResult {
  return html`<form class="notice name-form" @submit=${onSubmit}>
    <p id="name-prompt">${t(lang, "guest.prompt")}</p>
    <input name="name" aria-labelledby="name-prompt" placeholder=${t(lang, "guest.name")} maxlength=${MAX_NAME_LENGTH} required autocomplete="nickname" />
    <button type="submit">${t(lang, "guest.join")}</button>
  </form>`;
}

/** What to tell the user about an error, in their language. */
export function errorText(lang: Lang, error: WidgetError): string {
  switch (error.code) {
    case "unauthorized":
    case "forbidden":
    case "expired":
    case "unsupported_version":
    case "read_only":
    case "not_member":
    case "room_full":
      return t(lang, `error.${error.code}`);
    case "config":
      return error.message;
    default:
      return t(lang, "error.generic", { code: error.code });
  }
}

export interface ComposerHandlers {
  onSubmit(e: SubmitEvent): void;
  onKeydown(e: KeyboardEvent): void;
  onInput(e: Event): void;
}

export function renderComposer(lang: Lang, o: { hidden: boolean; readOnly: boolean; disabled: boolean }, h: ComposerHandlers): TemplateResult {
  return html`<form part="composer" @submit=${h.onSubmit} ?hidden=${o.hidden}>
    <textarea
      part="input"
      rows="1"
      enterkeyhint="send"
      aria-label=${t(lang, "input.label")}
      placeholder=${t(lang, o.readOnly ? "input.readOnly" : "input.placeholder")}
      ?disabled=${o.disabled}
      @keydown=${h.onKeydown}
      @input=${h.onInput}
    ></textarea>
    <button part="send" type="submit" aria-label=${t(lang, "send.label")} title=${t(lang, "send.label")} ?disabled=${o.disabled}>
      <svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" /></svg>
    </button>
  </form>`;
}
