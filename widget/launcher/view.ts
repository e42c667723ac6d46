/** The launcher's bubble (with its unread badge) and the close button it adds to the panel header. */
import { html, type TemplateResult } from "lit";
import { t, type Lang } from "../i18n/index.ts";

const closeIcon = html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d="M6 6l12 12M18 6 6 18" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" /></svg>`;

export function renderClose(lang: Lang, onClose: () => void): TemplateResult {
  const label = t(lang, "launcher.close");
  return html`<button type="button" class="close" aria-label=${label} title=${label} @click=${onClose}>${closeIcon}</button>`;
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
    ${
      open
        ? closeIcon
        : html`<svg viewBox="0 0 24 24" aria-hidden="true" fill="currentColor"><path d="M4 5.5A2.5 2.5 0 0 1 6.5 3h11A2.5 2.5 0 0 1 20 5.5v9a2.5 2.5 0 0 1-2.5 2.5H10l-4.6 3.7A.9.9 0 0 1 4 20V5.5z" /></svg>`
    }
    <span part="badge" aria-hidden="true" ?hidden=${!unread || open}>${badge}</span>
  </button>`;
}
