/**
 * The panel's chrome around the message list: header (title, presence, status, and what features
 * add to it), the typing line, the guest name form and the composer.
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
  /** What installed features render before the title (the inbox's back control). */
  start?: unknown;
  /** What installed features render at the end of the header (the launcher's close button). */
  end: unknown;
}

const MAX_AVATARS = 4;

export function renderHeader(v: HeaderView): TemplateResult {
  const shown = v.others.slice(0, MAX_AVATARS);
  const extra = v.others.length - shown.length;
  return html`<header part="header">
    ${v.start}
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
    ${v.end}
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

/**
 * One of eight avatar colours, stable per user. Classes rather than a style attribute, so the
 * widget works under a CSP without 'unsafe-inline' styles.
 */
export function colour(user: string): number {
  let h = 0;
  for (let i = 0; i < user.length; i++) h = (h * 31 + user.charCodeAt(i)) % 8;
  return h;
}

export function initial(name: string): string {
  return (Array.from(name.trim())[0] ?? "?").toUpperCase();
}

/** Guests without a `name` attribute are asked for one before joining. */
export function renderNameForm(lang: Lang, onName: (name: string) => void): TemplateResult {
  const onSubmit = (e: SubmitEvent) => {
    e.preventDefault();
    const name = ((e.target as HTMLFormElement).elements.namedItem("name") as HTMLInputElement).value.trim();
    if (name) onName(name);
  };
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
  /** Send what is in the input (the send button, or Enter). */
  send(input: HTMLTextAreaElement): void;
  input(input: HTMLTextAreaElement): void;
}

export function renderComposer(lang: Lang, o: { hidden: boolean; readOnly: boolean; disabled: boolean }, h: ComposerHandlers): TemplateResult {
  const onSubmit = (e: SubmitEvent) => {
    e.preventDefault();
    const input = (e.target as HTMLFormElement).querySelector("textarea");
    if (input) h.send(input);
  };
  const onKeydown = (e: KeyboardEvent) => {
    // Enter sends, Shift+Enter is a new line; never while an IME (Korean, Japanese…) is composing.
    if (e.key !== "Enter" || e.shiftKey || e.isComposing || e.keyCode === 229) return;
    e.preventDefault();
    h.send(e.target as HTMLTextAreaElement);
  };
  return html`<form part="composer" @submit=${onSubmit} ?hidden=${o.hidden}>
    <textarea
      part="input"
      rows="1"
      enterkeyhint="send"
      aria-label=${t(lang, "input.label")}
      placeholder=${t(lang, o.readOnly ? "input.readOnly" : "input.placeholder")}
      ?disabled=${o.disabled}
      @keydown=${onKeydown}
      @input=${(e: Event) => h.input(e.target as HTMLTextAreaElement)}
    ></textarea>
    <button part="send" type="submit" aria-label=${t(lang, "send.label")} title=${t(lang, "send.label")} ?disabled=${o.disabled}>
      <svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="M3.4 20.4 21 12 3.4 3.6 3.4 10l12.6 2-12.6 2z" /></svg>
    </button>
  </form>`;
}
