/**
 * The calls controller: hears the room's call frames (handed over by the registry, even those that
 * arrived while this chunk was loading), keeps this side's phase, rings, and wires one CallSession
 * (media + peer + signaling) per call. User actions come from view.ts; `inapp-talk-call` goes out
 * through the widget's one emit() helper, one event per phase change.
 */
import type { ReactiveController } from "lit";
import type { CallEndReason, CallKind, CallState, ErrorFrame, ServerMessage } from "../../protocol/index.ts";
import { emit, type CallPhaseName } from "../events.ts";
import type { FeatureContext } from "../features/types.ts";
import { t, type MessageKey } from "../i18n/index.ts";
import { takeAnswerHint } from "./answer-hint.ts";
import { eventDetail, newCallId, refusal, sidePhase } from "./format.ts";
import { DevicePanel } from "./device-panel.ts";
import type { PickKind } from "./devices.ts";
import { MediaError } from "./media.ts";
import { readQuality, type QualityReading } from "./quality.ts";
import { bindMedia } from "./media-elements.ts";
import { Ringer } from "./ring.ts";
import { iceRenewAt, iceServers } from "./rtc/ice.ts";
import { CallSession } from "./session.ts";

/** How long "Call ended · Declined" stays on screen. */
const ENDED_SHOWN_MS = 6000;
/** A hang-up the room never confirms (socket gone) is ended here after this. */
const HANGUP_GRACE_MS = 3000;

/** What the screen reader is told (rendered in the language on screen). */
export type Announcement = { key: MessageKey; vars?: Record<string, string> } | null;

export class CallsController implements ReactiveController {
  call: CallState | null = null;
  phase: CallPhaseName | null = null;
  session: CallSession | null = null;
  /** A call button was pressed with several people online: whom to call, for this kind. */
  picker: CallKind | null = null;
  /** A problem to show (media blocked, the room refused). */
  notice: MessageKey | null = null;
  announcement: Announcement = null;
  /** Remote audio was blocked by autoplay rules: show "tap to hear". */
  needsTap = false;
  /** When this side heard that media connected (for the clock and the countdown). */
  connectedAt = 0;
  /** The latest network-quality reading while media flows (null before the first). */
  quality: QualityReading | null = null;
  /** The devices panel, the microphone meter, the device note and the camera count. */
  readonly devices = new DevicePanel(() => this.update());

  private emitted: CallPhaseName | null = null;
  private ring = new Ringer();
  private tick: ReturnType<typeof setInterval> | undefined;
  private clearTimer: ReturnType<typeof setTimeout> | undefined;
  private hangupTimer: ReturnType<typeof setTimeout> | undefined;
  private confirmed = false;
  /** A control to focus after the next render (keyboard users keep their place as controls change). */
  private focusNext: string | null = null;

  constructor(private ctx: FeatureContext) {
    ctx.host.addController(this);
    ctx.frames((f) => this.frame(f));
    ctx.link.listen({ frame: (f) => f.type === "error" && this.error(f), close: () => this.lost(), reset: () => this.lost() });
  }

  hostConnected(): void {
    addEventListener("hashchange", this.answerFromHint);
  }

  hostDisconnected(): void {
    removeEventListener("hashchange", this.answerFromHint);
    if (this.active && this.call) this.ctx.link.send({ type: "call_hangup", callId: this.call.callId });
    this.lost();
  }

  /** The element rendered: give the video/audio elements their streams, move focus where asked. */
  hostUpdated(): void {
    const root = this.ctx.host.renderRoot;
    const target = this.focusNext ? root.querySelector<HTMLElement>(this.focusNext) : null;
    if (target) {
      target.focus();
      this.focusNext = null;
    }
    const track = this.devices.open && this.active ? this.session?.local?.getAudioTracks()[0] : undefined;
    this.devices.meter(track, root.querySelector<HTMLMeterElement>('[part~="mic-level"]'));
    bindMedia(root, this.session, this.devices.speaker, () => {
      this.needsTap = true;
      this.ctx.host.requestUpdate();
    });
  }

  get me(): string {
    return this.ctx.self()?.user ?? "";
  }

  /** A call is going on (ringing, connecting or connected). */
  get active(): boolean {
    return this.phase !== null && this.phase !== "ended";
  }

  /** The call buttons are offered: calls allowed by the token, nobody in a call, someone to call. */
  get canCall(): boolean {
    return this.ctx.claims()?.call_seconds !== 0 && !this.active && this.ctx.self() !== null && this.ctx.others().length > 0;
  }

  // ---- user actions -------------------------------------------------------------------------

  /** A call button: the only other person, or a short list when there are several. */
  press(kind: CallKind): void {
    const others = this.ctx.others();
    if (others.length === 1) this.start(kind, others[0]!);
    else this.picker = this.picker === kind ? null : kind;
    if (this.picker) this.focusNext = '[part~="call-picker"] button';
    this.update();
  }

  start(kind: CallKind, to: { user: string; name: string }): void {
    const self = this.ctx.self();
    if (!self || this.active) return;
    this.reset();
    const callId = newCallId();
    if (!this.ctx.link.send({ type: "call_start", callId, to: to.user, kind, relay: this.ctx.host.privacy === "relay" })) {
      this.notice = "call.error.callee_unavailable";
      return this.update();
    }
    this.call = { callId, kind, caller: self, callee: to, phase: "ringing", relay: this.ctx.host.privacy === "relay", offerer: self.user };
    this.phase = "outgoing";
    this.announcement = { key: "call.announce.calling", vars: { name: to.name } };
    this.session = this.newSession(callId);
    void this.session.startMedia(kind);
    this.session?.prefetch();
    this.focusNext = '[part~="hangup"]';
    this.emitPhase();
    this.update();
  }

  accept(audioOnly = false): void {
    const call = this.call;
    if (!call || this.phase !== "incoming" || !this.session) return;
    this.ring.stop();
    const kind: CallKind = audioOnly ? "audio" : call.kind;
    this.ctx.link.send({ type: "call_accept", callId: call.callId, ...(audioOnly ? { kind } : {}), relay: this.ctx.host.privacy === "relay" });
    void this.session.startMedia(kind);
    this.focusNext = '[part~="hangup"]';
  }

  decline(): void {
    if (this.call && this.phase === "incoming") this.ctx.link.send({ type: "call_decline", callId: this.call.callId });
    this.ring.stop();
  }

  hangup(): void {
    const call = this.call;
    if (!call || !this.active) return;
    this.session?.close();
    if (!this.ctx.link.send({ type: "call_hangup", callId: call.callId })) return this.end("failed");
    // The room answers with the call's end (reason, duration); if it cannot, end here.
    this.hangupTimer = setTimeout(() => this.active && this.end("hangup"), HANGUP_GRACE_MS);
    this.update();
  }

  /** The devices control: opens the panel with the current device list (labels need the permission the call has). */
  async toggleDevices(): Promise<void> {
    if (await this.devices.toggle()) this.focusNext = '[part~="devices"] select';
    this.update();
  }

  /** A device chosen in the panel: the speaker applies to the other person's media; the others replace our track. */
  async pick(kind: PickKind, deviceId: string): Promise<void> {
    await this.devices.pick(kind, deviceId, this.session).catch(() => {
      this.notice = "call.device.failed";
    });
    this.update();
  }

  /** "Tap to hear" played the other person's audio. */
  heard(): void {
    this.needsTap = false;
    this.update();
  }

  /** Closes what is shown: the picker, an ended call, a notice. */
  dismiss(): void {
    if (this.active) return;
    this.reset();
    this.update();
  }

  stats(): Promise<RTCStatsReport | null> {
    return this.active && this.session ? this.session.stats() : Promise.resolve(null);
  }

  private async sampleQuality(): Promise<void> {
    const session = this.session;
    const report = await session?.stats().catch(() => null);
    if (!report || session !== this.session || !this.active) return;
    this.quality = readQuality(report as unknown as Map<string, { type: string; id: string }>, this.quality?.counters ?? null);
  }

  // ---- the room -----------------------------------------------------------------------------

  private frame(f: ServerMessage): void {
    if (f.type === "call_signal") {
      if (this.call?.callId === f.callId && this.active) this.session?.signal(f.n, f.signal);
    } else if (f.type === "call") {
      this.onCall(f.call);
    }
  }

  private onCall(state: CallState): void {
    const me = this.me;
    const same = this.call?.callId === state.callId;
    // A callee whose socket dropped while it rang is rung again by the room after reconnecting.
    if (!same || (this.phase === "ended" && state.phase === "ringing")) {
      // An end we never saw ring (answered elsewhere first), or another call while busy in one.
      if (state.phase === "ended" || (!same && this.active)) return;
      this.reset();
      this.session = this.newSession(state.callId);
    } else if (this.phase === "ended") {
      return;
    }
    this.call = state;
    const phase = sidePhase(state, me);
    if (phase === "ended") return this.end(state.reason ?? "hangup", state.durationMs);
    // The room does not know this side's path broke: `reconnecting` is ours until media flows again.
    if (phase === "connected" && this.phase === "reconnecting") return;
    clearTimeout(this.clearTimer);
    this.phase = phase;
    if (phase === "outgoing") this.confirmed = true;
    if (phase === "incoming") {
      this.ringIn(state);
      queueMicrotask(this.answerFromHint);
    }
    if (phase === "connecting") {
      this.ring.stop();
      void this.session?.connect(state, me);
    }
    if (phase === "connected" && this.emitted !== "connected") {
      this.connectedAt = Date.now();
      this.announcement = { key: "call.announce.connected" };
      clearInterval(this.tick);
      let second = 0;
      this.tick = setInterval(() => {
        // The clock every second; the quality hint every other one (getStats is not free).
        if (++second % 2 === 0) void this.sampleQuality();
        this.ctx.host.requestUpdate();
      }, 1000);
    }
    this.emitPhase();
    this.update();
  }

  /** Answer on a ring notification (the URL hint, answer-hint.ts) accepts the call it names. */
  private answerFromHint = () => {
    if (this.call && this.phase === "incoming" && takeAnswerHint(this.call.callId)) {
      this.accept();
      this.update();
    }
  };

  private ringIn(call: CallState): void {
    const name = call.caller.name;
    this.announcement = { key: call.kind === "video" ? "call.announce.video" : "call.announce.audio", vars: { name } };
    this.ring.start(t(this.ctx.host.language, "call.titleCue", { name }));
    // The launcher's panel opens to show who is calling.
    if (this.ctx.host.layout === "launcher") this.ctx.host.open = true;
    this.session?.prefetch();
  }

  /** Refusals of what this side just asked for; errors carry no call id, so they are matched by code. */
  private error(f: ErrorFrame): void {
    const r = refusal(f.code, this.phase === "outgoing" && !this.confirmed, this.active);
    if (!r) return;
    this.notice = r.notice as MessageKey;
    this.end(r.reason);
  }

  /** The socket is gone: the room ends the call for the other side; this side cleans up now. */
  private lost(): void {
    if (this.active) this.end("failed");
  }

  // ---- wiring -------------------------------------------------------------------------------

  private newSession(callId: string): CallSession {
    const ice = () => iceServers(this.ctx.server(), this.me, () => this.ctx.token());
    const renewAt = () => iceRenewAt(this.ctx.server(), this.me);
    const session = new CallSession(callId, (frame) => this.ctx.link.send(frame), ice, renewAt, {
      changed: () => {
        this.devices.count(session);
        this.update();
      },
      connected: () => this.ctx.link.send({ type: "call_connected", callId }),
      device: (kind, label) => {
        if (session !== this.session) return;
        const key = kind === "audioinput" ? "call.device.mic" : "call.device.camera";
        this.devices.noted(t(this.ctx.host.language, key, { name: label }));
        this.announcement = { key, vars: { name: label } };
        this.update();
      },
      reconnecting: (on) => {
        if (session !== this.session || (this.phase !== "connected" && this.phase !== "reconnecting")) return;
        this.phase = on ? "reconnecting" : "connected";
        this.announcement = { key: on ? "call.announce.reconnecting" : "call.announce.connected" };
        this.emitPhase();
        this.update();
      },
      failed: (message, err) => {
        if (session !== this.session || !this.active) return;
        this.notice = err instanceof MediaError ? `call.media.${err.problem}` : "call.reason.failed";
        session.close();
        if (!this.ctx.link.send({ type: "call_failed", callId, message: message.slice(0, 200) })) this.end("failed");
        this.update();
      },
    });
    return session;
  }

  /** This side's end of the call (the room's reason, or `failed` when this side lost it). */
  private end(reason: CallEndReason, durationMs?: number): void {
    this.ring.stop();
    clearInterval(this.tick);
    clearTimeout(this.hangupTimer);
    this.session?.close();
    this.needsTap = false;
    this.picker = null;
    if (!this.call) {
      this.session = null;
      this.call = null;
      this.phase = null;
      return this.update();
    }
    // Focus was on a control that is gone now: keep keyboard users in the call surface.
    if (this.ctx.host.shadowRoot?.activeElement?.closest(".call")) this.focusNext = ".call-bar .ghost";
    this.phase = "ended";
    this.call = { ...this.call, phase: "ended", reason, ...(durationMs !== undefined ? { durationMs } : {}) };
    this.announcement = { key: "call.status.ended" };
    this.emitPhase();
    clearTimeout(this.clearTimer);
    this.clearTimer = setTimeout(() => this.dismiss(), ENDED_SHOWN_MS);
    this.update();
  }

  private reset(): void {
    clearTimeout(this.clearTimer);
    this.session?.close();
    this.session = null;
    this.call = null;
    this.phase = null;
    this.emitted = null;
    this.confirmed = false;
    this.notice = null;
    this.needsTap = false;
    this.picker = null;
    this.quality = null;
    this.devices.reset();
  }

  private emitPhase(): void {
    const { call, phase } = this;
    if (!call || !phase || phase === this.emitted) return;
    // Nothing was announced for a call the room never confirmed: no lone `ended` either.
    if (phase === "ended" && this.emitted === null) return;
    this.emitted = phase;
    emit(this.ctx.host, "inapp-talk-call", eventDetail(call, phase, this.me));
  }

  private update(): void {
    this.ctx.host.requestUpdate();
  }
}
