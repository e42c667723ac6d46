/**
 * What calls add to the panel: the call buttons in the header, the whom-to-call list, the ringing
 * sheet, the call itself (videos, status, clock, controls) and how a `call` history entry reads.
 * Rendered from the controller's state; every action goes back to the controller.
 */
import { html, nothing, type TemplateResult } from "lit";
import type { ChatMessage } from "../../protocol/index.ts";
import { t, type Lang } from "../i18n/index.ts";
import type { CallsController } from "./controller.ts";
import { callEntryView, countdown, formatClock, peerOf } from "./format.ts";
import { playRemote } from "./media-elements.ts";
import { canPickSpeaker, type PickKind } from "./devices.ts";
import type { QualityLevel } from "./quality.ts";

const icon = (d: string) => html`<svg viewBox="0 0 24 24" aria-hidden="true"><path d=${d} /></svg>`;
const PHONE =
  "M6.6 10.8a15.1 15.1 0 0 0 6.6 6.6l2.2-2.2c.3-.3.7-.4 1-.2 1.1.4 2.3.6 3.6.6.6 0 1 .4 1 1V20c0 .6-.4 1-1 1A17 17 0 0 1 3 4c0-.6.4-1 1-1h3.5c.6 0 1 .4 1 1 0 1.3.2 2.5.6 3.6.1.3 0 .7-.2 1z";
const VIDEO = "M4 6h11a2 2 0 0 1 2 2v1.5l4-2.5v10l-4-2.5V16a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V8a2 2 0 0 1 2-2z";
const GEAR =
  "M19.4 13a7.5 7.5 0 0 0 0-2l2.1-1.6-2-3.5-2.5 1a7.6 7.6 0 0 0-1.7-1L15 3.3h-4l-.4 2.6a7.6 7.6 0 0 0-1.7 1l-2.5-1-2 3.5L6.6 11a7.5 7.5 0 0 0 0 2l-2.1 1.6 2 3.5 2.5-1a7.6 7.6 0 0 0 1.7 1l.4 2.6h4l.4-2.6a7.6 7.6 0 0 0 1.7-1l2.5 1 2-3.5zM13 15.5a3.5 3.5 0 1 1 0-7 3.5 3.5 0 0 1 0 7z";
const SWITCH = "M17 4l4 4-4 4V9H8V7h9V4zM7 20l-4-4 4-4v3h9v2H7v3z";
const MIC = "M12 14a3 3 0 0 0 3-3V5a3 3 0 0 0-6 0v6a3 3 0 0 0 3 3zm5-3a5 5 0 0 1-10 0H5a7 7 0 0 0 6 6.9V21h2v-3.1a7 7 0 0 0 6-6.9z";
const HANGUP =
  "M12 9c-1.6 0-3.2.3-4.6.7v3.1c0 .4-.2.7-.6.9-1 .5-1.9 1.1-2.7 1.8-.2.2-.4.3-.7.3-.3 0-.5-.1-.7-.3L.3 13.1a1 1 0 0 1 0-1.4C3.3 8.8 7.5 7 12 7s8.7 1.8 11.7 4.7a1 1 0 0 1 0 1.4l-2.5 2.5c-.2.2-.4.3-.7.3-.3 0-.5-.1-.7-.3-.8-.7-1.7-1.3-2.7-1.8-.3-.2-.6-.5-.6-.9V9.7C15.2 9.3 13.6 9 12 9z";

/** The header's call buttons: offered when the user may call and someone else is online. */
export function renderButtons(c: CallsController, lang: Lang, others: Array<{ name: string }>): unknown {
  if (!c.canCall) return nothing;
  const one = others.length === 1 ? others[0]!.name : null;
  const button = (kind: "audio" | "video") => {
    const label = one
      ? t(lang, kind === "video" ? "call.videoWith" : "call.voiceWith", { name: one })
      : t(lang, kind === "video" ? "call.video" : "call.voice");
    return html`<button
      part=${kind === "video" ? "video-call-button" : "call-button"}
      type="button"
      class="call-btn"
      aria-label=${label}
      title=${label}
      aria-haspopup=${one ? nothing : "true"}
      aria-expanded=${one ? nothing : c.picker === kind ? "true" : "false"}
      @click=${() => c.press(kind)}
    >
      ${icon(kind === "video" ? VIDEO : PHONE)}
    </button>`;
  };
  return html`${button("audio")}${button("video")}`;
}

/** Between the header and the messages: the picker, the ringing sheet or the call; and the live region. */
export function renderCall(c: CallsController, lang: Lang, others: Array<{ user: string; name: string }>): TemplateResult {
  const a = c.announcement;
  return html`${c.picker && c.canCall ? renderPicker(c, lang, others) : nothing}${c.call && c.phase ? renderSurface(c, lang) : c.notice ? renderNotice(c, lang) : nothing}
    <div class="sr-only" aria-live="assertive">${a ? t(lang, a.key, a.vars) : ""}</div>`;
}

function renderPicker(c: CallsController, lang: Lang, others: Array<{ user: string; name: string }>): TemplateResult {
  const kind = c.picker!;
  return html`<div part="call-picker" class="call-card picker" role="group" aria-labelledby="call-pick">
    <p id="call-pick">${t(lang, "call.pick")}</p>
    ${others.map((o) => html`<button type="button" data-user=${o.user} @click=${() => c.start(kind, o)}>${o.name}</button>`)}
    <button type="button" class="ghost" @click=${() => c.dismiss()}>${t(lang, "call.cancel")}</button>
  </div>`;
}

function renderNotice(c: CallsController, lang: Lang): TemplateResult {
  return html`<div class="call-card"><p class="call-notice" role="alert">${t(lang, c.notice!)}</p>
    <button type="button" class="ghost" @click=${() => c.dismiss()}>${t(lang, "call.close")}</button></div>`;
}

function statusText(c: CallsController, lang: Lang, now: number): string {
  const call = c.call!;
  switch (c.phase) {
    case "outgoing":
    case "incoming":
    case "connecting":
    case "reconnecting":
      return t(lang, `call.status.${c.phase}`);
    case "connected":
      return formatClock(now - c.connectedAt);
    default:
      return call.reason && call.reason !== "hangup"
        ? t(lang, "call.status.endedWhy", { reason: t(lang, `call.reason.${call.reason}`) })
        : t(lang, "call.status.ended");
  }
}

function renderSurface(c: CallsController, lang: Lang): TemplateResult {
  const call = c.call!;
  const phase = c.phase!;
  const now = Date.now();
  const peer = peerOf(call, c.me);
  const video = call.kind === "video" && phase !== "ended" && phase !== "incoming";
  const s = c.session;
  const left = phase === "connected" ? countdown(call, c.connectedAt, now) : null;
  const ringing = phase === "incoming";
  return html`<section part="call" class="call" data-kind=${call.kind} data-phase=${phase} aria-labelledby="call-peer">
    ${
      video
        ? html`<div class="stage${s?.remote ? "" : " solo"}">
          <video part="remote-video" data-stream="remote" autoplay playsinline aria-label=${t(lang, "call.remoteVideo", { name: peer.name })} ?hidden=${!s?.remote}></video>
          <video part="local-video" data-stream="local" autoplay playsinline .muted=${true} aria-label=${t(lang, "call.localVideo")} ?hidden=${!s?.local}></video>
        </div>`
        : phase !== "ended"
          ? html`<audio data-stream="remote" autoplay></audio>`
          : nothing
    }
    <div class="call-bar">
      <div class="call-who${ringing ? " ring" : ""}">
        <strong id="call-peer">${peer.name}</strong>
        <span part="call-status" data-phase=${phase}>${statusText(c, lang, now)}</span>
        ${left !== null ? html`<span part="call-countdown" role="timer">${t(lang, "call.left", { time: formatClock(left + 999) })}</span>` : nothing}
        ${(call.relay || c.quality?.relayed) && phase !== "ended" ? html`<span class="relay" part="relay-badge" title=${t(lang, "call.relayHint")}>${t(lang, "call.relay")}</span>` : nothing}
        ${c.quality && (phase === "connected" || phase === "reconnecting") ? renderQuality(c.quality.level, lang) : nothing}
      </div>
      ${ringing ? renderIncoming(c, lang) : phase === "ended" ? html`<button type="button" class="ghost" @click=${() => c.dismiss()}>${t(lang, "call.close")}</button>` : renderControls(c, lang)}
    </div>
    ${c.needsTap ? html`<button part="unmute-audio" type="button" class="tap" @click=${(e: Event) => void playRemote((e.target as Element).closest(".call")!).then(() => c.heard())}>${t(lang, "call.tapToHear")}</button>` : nothing}
    ${c.devices.open && c.active && phase !== "incoming" ? renderDevices(c, lang) : nothing}
    ${c.devices.note ? html`<p part="call-device-note" class="call-note">${c.devices.note}</p>` : nothing}
    ${c.notice ? html`<p class="call-notice" role="alert">${t(lang, c.notice)}</p>` : nothing}
  </section>`;
}

/** Pickers for microphone, camera (video calls) and speaker (where the browser allows), and the microphone's level. */
function renderDevices(c: CallsController, lang: Lang): TemplateResult {
  const track = (kind: "audio" | "video") => (kind === "audio" ? c.session?.local?.getAudioTracks()[0] : c.session?.local?.getVideoTracks()[0]);
  const select = (kind: PickKind, label: string, current: string) => {
    const list = c.devices.list.filter((d) => d.kind === kind);
    return html`<label>${label}
      <select part=${kind === "audioinput" ? "microphone-select" : kind === "videoinput" ? "camera-select" : "speaker-select"} @change=${(e: Event) => void c.pick(kind, (e.target as HTMLSelectElement).value)}>
        ${kind === "audiooutput" ? html`<option value="" ?selected=${current === ""}>${t(lang, "call.devices.default")}</option>` : nothing}
        ${list.map((d, i) => html`<option value=${d.deviceId} ?selected=${d.deviceId === current}>${d.label || `${label} ${i + 1}`}</option>`)}
      </select></label>`;
  };
  return html`<div part="devices" class="devices" role="group" aria-label=${t(lang, "call.devices")}>
    ${select("audioinput", t(lang, "call.devices.mic"), track("audio")?.getSettings().deviceId ?? "")}
    <meter part="mic-level" min="0" max="1" value="0" aria-label=${t(lang, "call.devices.level")}></meter>
    ${c.call?.kind === "video" && track("video") ? select("videoinput", t(lang, "call.devices.camera"), track("video")?.getSettings().deviceId ?? "") : nothing}
    ${canPickSpeaker() ? select("audiooutput", t(lang, "call.devices.speaker"), c.devices.speaker) : nothing}
  </div>`;
}

/** Three bars, filled by level; the label says it in words. */
function renderQuality(level: QualityLevel, lang: Lang): TemplateResult {
  const label = t(lang, "call.quality", { level: t(lang, `call.quality.${level}`) });
  return html`<span part="call-quality" class="quality" data-level=${level} role="img" aria-label=${label} title=${label}><i></i><i></i><i></i></span>`;
}

function renderIncoming(c: CallsController, lang: Lang): TemplateResult {
  const video = c.call!.kind === "video";
  return html`<div part="incoming-call" role="group" aria-label=${t(lang, video ? "call.incoming.video" : "call.incoming.audio")}>
    <span class="kind">${t(lang, video ? "call.incoming.video" : "call.incoming.audio")}</span>
    <div class="controls">
      <button part="accept" type="button" class="round ok" @click=${() => c.accept()}>${icon(video ? VIDEO : PHONE)}<span>${t(lang, "call.accept")}</span></button>
      ${video ? html`<button part="accept-audio" type="button" class="round" @click=${() => c.accept(true)}>${icon(PHONE)}<span>${t(lang, "call.acceptAudio")}</span></button>` : nothing}
      <button part="decline" type="button" class="round end" @click=${() => c.decline()}>${icon(HANGUP)}<span>${t(lang, "call.decline")}</span></button>
    </div>
  </div>`;
}

function renderControls(c: CallsController, lang: Lang): TemplateResult {
  const s = c.session;
  const video = c.call!.kind === "video";
  return html`<div class="controls">
    <button part="mute" type="button" class="round" aria-pressed=${s?.muted ? "true" : "false"} aria-label=${t(lang, "call.mute")} title=${t(lang, "call.mute")} ?disabled=${!s?.local} @click=${() => s?.toggleMute()}>${icon(MIC)}</button>
    ${
      video
        ? html`<button part="camera" type="button" class="round" aria-pressed=${s?.cameraOff ? "true" : "false"} aria-label=${t(lang, "call.camera")} title=${t(lang, "call.camera")} ?disabled=${!s?.local} @click=${() => s?.toggleCamera()}>${icon(VIDEO)}</button>`
        : nothing
    }
    ${
      video && c.devices.cameras > 1
        ? html`<button part="switch-camera" type="button" class="round" aria-label=${t(lang, "call.switchCamera")} title=${t(lang, "call.switchCamera")} ?disabled=${!s?.local} @click=${() => void s?.nextCamera()}>${icon(SWITCH)}</button>`
        : nothing
    }
    <button part="devices-button" type="button" class="round" aria-expanded=${c.devices.open ? "true" : "false"} aria-label=${t(lang, "call.devices")} title=${t(lang, "call.devices")} ?disabled=${!s?.local} @click=${() => void c.toggleDevices()}>${icon(GEAR)}</button>
    <button part="hangup" type="button" class="round end" aria-label=${t(lang, "call.hangup")} title=${t(lang, "call.hangup")} @click=${() => c.hangup()}>${icon(HANGUP)}</button>
  </div>`;
}

/** A `call` history entry in the reader's language ("Missed video call", "Voice call · 4:12"). */
export function renderCallEntry(m: ChatMessage, lang: Lang): TemplateResult | undefined {
  const v = callEntryView(m.data);
  if (!v) return undefined;
  return html`<p class="text call-entry">${icon(v.kind === "video" ? VIDEO : PHONE)}${t(lang, v.key, v.duration ? { duration: v.duration } : undefined)}</p>`;
}
