/**
 * The push feature's UI: a bell in the header (`push-button`, `data-state`), its panel
 * (`push-panel`: the state in words, how to undo it, the mute toggle) and the in-context offer
 * (`push-offer`) shown after the user sends a message.
 * Buttons are never `disabled` while a request runs (that would drop the keyboard focus): they say
 * `aria-disabled` and the controller ignores presses until it is done.
 */
import { html, nothing, type TemplateResult } from "lit";
import { t, type Lang, type MessageKey } from "../i18n/index.ts";
import type { PushController } from "./controller.ts";

const bell = html`<svg viewBox="0 0 24 24" aria-hidden="true" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round"><path d="M6 16V11a6 6 0 0 1 12 0v5l1.5 2h-15z" /><path d="M10 20.5a2 2 0 0 0 4 0" /></svg>`;

const shown = (c: PushController) => c.state !== "loading" && c.state !== "unavailable";

export function renderBell(c: PushController, lang: Lang): unknown {
  if (!shown(c)) return nothing;
  const label = t(lang, "push.button");
  return html`<button
    part="push-button"
    type="button"
    class="bell"
    data-state=${c.state === "on" && c.muted ? "muted" : c.state}
    aria-label=${label}
    title=${label}
    aria-expanded=${c.panelOpen ? "true" : "false"}
    aria-controls="push-panel"
    @click=${() => c.togglePanel()}
  >
    ${bell}
  </button>`;
}

/** Between the header and the messages: the panel when open, else the offer when due. */
export function renderPushArea(c: PushController, lang: Lang, peer: string | null): unknown {
  if (!shown(c)) return nothing;
  const area = c.panelOpen ? renderPanel(c, lang) : c.offer && c.state === "off" ? renderOffer(c, lang, peer) : nothing;
  return html`${area}<div class="sr-only" role="status" data-push-said>${c.said ? t(lang, c.said) : ""}</div>`;
}

function renderOffer(c: PushController, lang: Lang, peer: string | null): TemplateResult {
  return html`<div part="push-offer" class="push-bar" role="group" aria-labelledby="push-offer-text">
    <p id="push-offer-text">${peer ? t(lang, "push.offer", { name: peer }) : t(lang, "push.offerAnyone")}</p>
    <button part="push-offer-accept" type="button" aria-disabled=${c.busy ? "true" : "false"} @click=${() => c.turnOn(true)}>${t(lang, "push.offerOn")}</button>
    <button part="push-offer-dismiss" type="button" class="quiet" @click=${() => c.declineOffer()}>${t(lang, "push.notNow")}</button>
    ${c.error ? html`<p class="push-error" role="alert">${t(lang, c.error)}</p>` : nothing}
  </div>`;
}

function stateText(c: PushController): MessageKey {
  if (c.state === "on") return c.muted ? "push.state.muted" : "push.state.on";
  if (c.state === "denied") return "push.state.denied";
  if (c.state === "unsupported") return "push.state.unsupported";
  return "push.state.off";
}

function renderPanel(c: PushController, lang: Lang): TemplateResult {
  const onKeydown = (e: KeyboardEvent) => {
    if (e.key === "Escape") {
      e.stopPropagation();
      c.togglePanel();
    }
  };
  const canToggle = c.state === "on" || c.state === "off";
  return html`<div part="push-panel" id="push-panel" class="push-bar" role="group" aria-labelledby="push-title" @keydown=${onKeydown}>
    <h3 id="push-title">${t(lang, "push.title")}</h3>
    <p part="push-status" role="status" data-state=${c.state}>${c.busy ? t(lang, "push.busy") : t(lang, stateText(c))}</p>
    ${
      canToggle
        ? html`<button part="push-toggle" type="button" aria-disabled=${c.busy ? "true" : "false"} @click=${() => (c.state === "on" ? c.turnOff() : c.turnOn())}>
            ${t(lang, c.state === "on" ? "push.turnOff" : "push.turnOn")}
          </button>`
        : nothing
    }
    ${
      c.state === "on"
        ? html`<button part="push-mute" type="button" aria-pressed=${c.muted ? "true" : "false"} aria-disabled=${c.busy ? "true" : "false"} @click=${() => c.toggleMute()}>
            ${t(lang, "push.mute")}
          </button>`
        : nothing
    }
    <button type="button" class="quiet" @click=${() => c.togglePanel()}>${t(lang, "push.close")}</button>
    ${c.error ? html`<p class="push-error" role="alert">${t(lang, c.error)}</p>` : nothing}
  </div>`;
}
