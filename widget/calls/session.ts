/**
 * One call on this side: its media, its peer connection and its signaling, wired together. The
 * peer (rtc/peer.ts) only gets a `send(signal)` callback; numbering outgoing signals and applying
 * incoming ones strictly in order of `n` happens here, and the frames go out through `send` — the
 * room link, which this module never sees either.
 */
import type { CallKind, CallState, ClientMessage } from "../../protocol/index.ts";
import { constraintsFor, listDevices, pickAfterChange, remember, remembered } from "./devices.ts";
import { dropVideo, getMedia, stopAll } from "./media.ts";
import { canRelay } from "./rtc/ice.ts";
import { Peer, type Signal } from "./rtc/peer.ts";
import { SignalCounter, SignalOrder } from "./signal-order.ts";

export interface SessionEvents {
  /** Something changed that the screen shows (streams, mute…). */
  changed(): void;
  /** Media flows: tell the room (`call_connected`). Once. */
  connected(): void;
  /** The path broke mid-call (`true`: ICE is being restarted) or came back (`false`). */
  reconnecting(on: boolean): void;
  /** A device changed under the call (a headset plugged in or out, a track that ended): now using `label`. */
  device(kind: "audioinput" | "videoinput", label: string): void;
  /** This side cannot go on: tell the room (`call_failed`) with a message. */
  failed(message: string, mediaError?: unknown): void;
}

export class CallSession {
  local: MediaStream | null = null;
  remote: MediaStream | null = null;
  muted = false;
  cameraOff = false;
  private peer: Peer | null = null;
  private creating = false;
  private closed = false;
  private order = new SignalOrder<Signal>();
  private counter = new SignalCounter();
  /** In-order signals that arrived before the peer existed. */
  private early: Signal[] = [];
  private media: Promise<MediaStream | null> | null = null;
  private ice: Promise<RTCIceServer[]> | null = null;
  /** Media has flowed at least once. */
  private flowing = false;
  private renewTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly callId: string,
    private send: (frame: ClientMessage) => boolean,
    /** Our Worker's ICE servers (cached in rtc/ice.ts until shortly before they expire). */
    private iceServers: () => Promise<RTCIceServer[]>,
    /** When the cached servers' credentials are due for renewal, Unix ms (null: unknown). */
    private iceDue: () => number | null,
    private events: SessionEvents,
  ) {}

  /** Fetches the ICE servers and the peer library while it rings, so connecting waits for neither. */
  prefetch(): Promise<RTCIceServer[]> {
    Peer.preload();
    this.ice ??= this.iceServers();
    this.ice.catch(() => (this.ice = null));
    return this.ice;
  }

  /** Asks for the camera/microphone once (the caller at once, for the preview; the callee on accept). */
  startMedia(kind: CallKind): Promise<MediaStream | null> {
    this.media ??= getMedia(kind).then(
      (stream) => {
        if (this.closed) {
          stopAll(stream);
          return null;
        }
        this.local = stream;
        for (const track of stream.getTracks()) this.watchTrack(track);
        navigator.mediaDevices.addEventListener?.("devicechange", this.onDeviceChange);
        this.events.changed();
        return stream;
      },
      (err: unknown) => {
        if (!this.closed) this.events.failed(String(err), err);
        return null;
      },
    );
    return this.media;
  }

  /**
   * The room says `connecting`: make the peer connection once media and ICE servers are ready. The
   * caller (the room's `offerer`) initiates; a video call answered with audio only drops the camera.
   */
  async connect(call: CallState, me: string): Promise<void> {
    if (this.peer || this.creating || this.closed) return;
    this.creating = true;
    const stream = await this.startMedia(call.kind);
    if (!stream || this.closed) return;
    if (call.kind === "audio") dropVideo(stream);
    let iceServers: RTCIceServer[];
    try {
      iceServers = await this.prefetch();
    } catch {
      // No TURN/STUN from the Worker: a direct connection may still work (never public defaults).
      iceServers = [];
    }
    if (this.closed) return;
    if (call.relay && !canRelay(iceServers)) return this.events.failed("Relay-only calls need a TURN server, and none is configured.");
    try {
      this.peer = await Peer.create(
        {
          initiator: call.offerer === me,
          stream,
          iceServers,
          relay: call.relay,
          send: (signal) => this.send({ type: "call_signal", callId: this.callId, n: this.counter.take(), signal }),
          freshIce: () => this.iceServers(),
        },
        {
          remote: (s) => {
            this.remote = s;
            this.events.changed();
          },
          connected: () => {
            if (this.flowing) return this.events.reconnecting(false);
            this.flowing = true;
            this.events.connected();
            this.renewIce();
          },
          reconnecting: () => this.events.reconnecting(true),
          failed: (message) => this.events.failed(message),
        },
      );
    } catch (err) {
      return this.events.failed(`Could not start the connection: ${String(err)}`);
    }
    if (this.closed) return this.peer.destroy();
    for (const s of this.early.splice(0)) this.peer.signal(s);
  }

  /** A `call_signal` from the other side: applied strictly in order of `n`. */
  signal(n: number, signal: Signal): void {
    for (const s of this.order.push(n, signal)) {
      if (this.peer) this.peer.signal(s);
      else this.early.push(s);
    }
  }

  toggleMute(): void {
    this.muted = !this.muted;
    for (const t of this.local?.getAudioTracks() ?? []) t.enabled = !this.muted;
    this.events.changed();
  }

  /**
   * Camera off stops the camera itself (its light goes out), not just the picture: the sender sends
   * nothing. Camera on asks for it again (the chosen device) and puts it back on the same sender.
   */
  async toggleCamera(): Promise<void> {
    const local = this.local;
    if (!local || this.closed) return;
    if (!this.cameraOff) {
      this.cameraOff = true;
      const tracks = local.getVideoTracks();
      await this.peer?.replaceTrack("video", null);
      for (const t of tracks) t.stop();
      this.local = new MediaStream(local.getAudioTracks());
      return this.events.changed();
    }
    try {
      const fresh = await navigator.mediaDevices.getUserMedia({ video: constraintsFor("videoinput") });
      const track = fresh.getVideoTracks()[0];
      if (!track || this.closed || this.local !== local) return stopAll(fresh);
      await this.peer?.replaceTrack("video", track);
      this.local = new MediaStream([...local.getAudioTracks(), track]);
      this.watchTrack(track);
      this.cameraOff = false;
    } catch {
      // The camera is gone or refused now: it stays off (the call goes on with audio).
    }
    this.events.changed();
  }

  stats(): Promise<RTCStatsReport | null> {
    return this.peer ? this.peer.stats() : Promise.resolve(null);
  }

  /**
   * TURN credentials expire (TURN_TTL): before they do, restart ICE with fresh ones. The restart
   * keeps the current pair until a new one is chosen, so media does not stop.
   */
  private renewIce(): void {
    const due = this.iceDue();
    if (due === null || this.closed) return;
    clearTimeout(this.renewTimer);
    this.renewTimer = setTimeout(
      () => {
        if (this.closed || !this.peer) return;
        void this.peer.restart().then(() => this.renewIce());
      },
      Math.max(1_000, due - Date.now()),
    );
  }

  /**
   * Moves the microphone or camera to `deviceId`: a new track replaces the old one on the
   * connection's sender (no renegotiation), keeps its mute/camera-off state, and the old one stops.
   */
  async useDevice(kind: "audioinput" | "videoinput", deviceId: string, chosen = true): Promise<string | null> {
    const local = this.local;
    if (!local || this.closed) return null;
    const old = kind === "audioinput" ? local.getAudioTracks()[0] : local.getVideoTracks()[0];
    if (!old) {
      // The camera is off: the choice applies when it is turned on.
      if (chosen) remember(kind, deviceId);
      return null;
    }
    const c = constraintsFor(kind, deviceId, chosen);
    const fresh = await navigator.mediaDevices.getUserMedia(kind === "audioinput" ? { audio: c } : { video: c });
    const track = kind === "audioinput" ? fresh.getAudioTracks()[0] : fresh.getVideoTracks()[0];
    if (!track || this.closed || this.local !== local) {
      stopAll(fresh);
      return null;
    }
    track.enabled = kind === "audioinput" ? !this.muted : !this.cameraOff;
    await this.peer?.replaceTrack(track.kind as "audio" | "video", track);
    // A new stream object, so the preview element is given it again.
    this.local = new MediaStream([...local.getTracks().filter((t) => t !== old), track]);
    old.stop();
    this.watchTrack(track);
    if (chosen) remember(kind, deviceId);
    this.events.changed();
    return track.label;
  }

  /** The next camera (front/back on phones); null with one camera. */
  async nextCamera(): Promise<void> {
    const cams = (await listDevices()).filter((d) => d.kind === "videoinput");
    const current = this.local?.getVideoTracks()[0]?.getSettings().deviceId;
    if (cams.length < 2) return;
    const next = cams[(cams.findIndex((d) => d.deviceId === current) + 1) % cams.length]!;
    await this.useDevice("videoinput", next.deviceId);
  }

  private watchTrack(track: MediaStreamTrack): void {
    // `ended` fires when the browser ends it (device unplugged, permission revoked), not on our stop().
    track.addEventListener("ended", () => void this.follow(track.kind === "audio" ? "audioinput" : "videoinput", true));
  }

  private onDeviceChange = (): void => {
    void this.follow("audioinput", false);
    void this.follow("videoinput", false);
  };

  /** After a device change or an ended track: move to the chosen device, or the default, and say so. */
  private async follow(kind: "audioinput" | "videoinput", ended: boolean): Promise<void> {
    const track = kind === "audioinput" ? this.local?.getAudioTracks()[0] : this.local?.getVideoTracks()[0];
    if (!track || this.closed) return;
    const current = ended ? undefined : track.getSettings().deviceId;
    const target = pickAfterChange(kind, current, await listDevices(), remembered()[kind]);
    if (target === null && !ended) return;
    const label = await this.useDevice(kind, target ?? "", false).catch(() => null);
    if (label) this.events.device(kind, label);
  }

  /** The native connection (getStats, tests). */
  get pc(): RTCPeerConnection | null {
    return this.peer?.pc ?? null;
  }

  /** Ends everything on this side: peer closed, every track stopped (preview included). */
  close(): void {
    this.closed = true;
    clearTimeout(this.renewTimer);
    navigator.mediaDevices?.removeEventListener?.("devicechange", this.onDeviceChange);
    this.peer?.destroy();
    this.peer = null;
    stopAll(this.local, this.remote);
    this.local = this.remote = null;
    this.early = [];
  }
}
