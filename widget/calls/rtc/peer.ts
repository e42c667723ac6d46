/**
 * One call's peer connection, behind a small interface of ours: it gets a `send(signal)` callback
 * and never sees the socket (signaling lives in the calls controller, which wires the two).
 *
 * Library: simple-peer 9.11.1, its self-contained browser build `simple-peer/simplepeer.min.js`
 * (28 KB min+gzip, a chunk of its own fetched when a call starts or rings, so pages that never
 * call never download it). The maintained fork `@thaunknown/simple-peer` 10.1.2 is smaller
 * (~21 KB) with the same API, but it depends on `webrtc-polyfill` → `node-datachannel`, whose install
 * script builds libdatachannel from a git clone: a plain `npm ci` (node 20, npm 11) fails without
 * network access, as it does here and in CI. Neither has ICE restart (simple-peer issue 579): issue 10
 * does it on the native connection, which `pc` keeps reachable.
 *
 * The caller is always the initiator (the room chooses it: no glare); both sides pass their media
 * at construction, so the first offer/answer carries it.
 *
 * ICE restart, which simple-peer lacks, is done here on its native connection: the initiator calls
 * `restartIce()` and lets simple-peer make the offer (its own renegotiation path); the other side
 * asks for it with a `{ restart: true }` signal of ours. Two of simple-peer's reflexes would kill a
 * call that could recover, so they are taken over once media has flowed: it destroys the peer when
 * ICE reports `failed`, and when a remote candidate cannot be added — which happens to candidates
 * from before a restart, or ones that overtake the offer they belong to. Remote candidates are
 * therefore applied here, held until the description they follow is in place, and stale ones are
 * dropped quietly.
 */
import type { SimplePeerInstance } from "simple-peer/simplepeer.min.js";
import { RECOVERY_DEFAULTS, Recovery, type RecoveryTimes } from "./recovery.ts";

export type Signal = Record<string, unknown>;

export interface PeerOptions {
  /** The caller makes the offer. */
  initiator: boolean;
  /** Our microphone (and camera), sent from the start. */
  stream: MediaStream;
  /** From our Worker only (`/api/ice`): simple-peer's own defaults are public STUN servers. */
  iceServers: RTCIceServer[];
  /** TURN only: neither side learns the other's address. */
  relay: boolean;
  /** Hands a signal to whoever carries it to the other side. */
  send(signal: Signal): void;
  /** Current ICE servers for a restart (TURN credentials are refreshed before they expire). */
  freshIce?(): Promise<RTCIceServer[]>;
  recovery?: RecoveryTimes;
}

export interface PeerEvents {
  /** The other side's media. */
  remote(stream: MediaStream): void;
  /** ICE connected: media can flow — first, and again after `reconnecting`. */
  connected(): void;
  /** The path broke after media flowed; ICE is being restarted. */
  reconnecting(): void;
  /** The connection failed for good (ICE failed, closed unexpectedly). Once. */
  failed(message: string): void;
}

export class Peer {
  private done = false;
  private connectedOnce = false;
  private candidates = 0;
  /** The remote description simple-peer is applying: candidates wait for it. */
  private pendingRemote: "offer" | "answer" | null = null;
  private held: RTCIceCandidateInit[] = [];
  private readonly recovery: Recovery;
  private readonly unlisten: () => void;

  private constructor(
    private sp: SimplePeerInstance,
    private readonly o: PeerOptions,
    private events: PeerEvents,
  ) {
    this.recovery = new Recovery(
      {
        reconnecting: () => !this.done && events.reconnecting(),
        restart: () => void this.restart(),
        giveUp: () => this.fail("The connection was lost and could not be restored."),
      },
      o.recovery ?? RECOVERY_DEFAULTS,
    );
    sp.on("signal", (s) => {
      if (this.done) return;
      if (s.candidate) this.candidates++;
      o.send(s);
    });
    sp.on("stream", (stream) => !this.done && events.remote(stream));
    sp.on("iceStateChange", (ice, gathering) => {
      if (ice === "connected" || ice === "completed") this.onConnected();
      // Relay-only with no relay candidate at all: TURN is unreachable or refused our credentials.
      else if (gathering === "complete" && o.relay && this.candidates === 0 && !this.connectedOnce)
        this.fail("No relay candidate: the TURN server could not be reached or refused the credentials.");
    });
    sp.on("connect", () => this.onConnected());
    sp.on("error", (err) => this.fail(err.message || String(err.code)));
    sp.on("close", () => this.fail("The connection closed."));
    this.unlisten = this.watch();
  }

  /** Takes over ICE trouble once media has flowed, and listens for network changes. */
  private watch(): () => void {
    const pc = this.sp._pc;
    if (!pc) return () => {};
    const broken = () => pc.iceConnectionState === "failed" || pc.connectionState === "failed";
    for (const prop of ["oniceconnectionstatechange", "onconnectionstatechange"] as const) {
      const original = pc[prop];
      pc[prop] = (ev: Event) => {
        if (this.connectedOnce && broken()) return;
        original?.call(pc, ev);
      };
    }
    pc.addEventListener("iceconnectionstatechange", () => {
      const state = pc.iceConnectionState;
      if (this.done || !this.connectedOnce) return;
      if (state === "connected" || state === "completed") this.onConnected();
      else if (state === "disconnected" || state === "failed") this.recovery.trouble(state);
    });
    pc.addEventListener("signalingstatechange", () => {
      const state = pc.signalingState;
      if ((this.pendingRemote === "offer" && state === "have-remote-offer") || (this.pendingRemote === "answer" && state === "stable")) {
        this.pendingRemote = null;
        for (const c of this.held.splice(0)) this.addCandidate(c);
      }
    });
    const network = () => this.connectedOnce && !this.done && this.recovery.trouble("network");
    const connection = (navigator as Navigator & { connection?: EventTarget }).connection;
    addEventListener("online", network);
    connection?.addEventListener("change", network);
    return () => {
      removeEventListener("online", network);
      connection?.removeEventListener("change", network);
    };
  }

  /** Loads the library (its own chunk) and starts the connection; the initiator's offer follows. */
  static async create(o: PeerOptions, events: PeerEvents): Promise<Peer> {
    const { default: SimplePeer } = await import("simple-peer/simplepeer.min.js");
    const config: RTCConfiguration = { iceServers: o.iceServers, iceTransportPolicy: o.relay ? "relay" : "all" };
    return new Peer(new SimplePeer({ initiator: o.initiator, config, streams: [o.stream], trickle: true }), o, events);
  }

  /** Preloads the library while the phone rings, so connecting does not wait for it. */
  static preload(): void {
    import("simple-peer/simplepeer.min.js").catch(() => {});
  }

  /** Applies one of the other side's signals; the caller hands them over strictly in order. */
  signal(s: Signal): void {
    if (this.done) return;
    if (s.restart === true) {
      // Only the initiator makes offers; the other side asked for a restart.
      if (this.o.initiator) void this.restart();
      return;
    }
    if (typeof s.candidate === "object" && s.candidate !== null) {
      const c = s.candidate as RTCIceCandidateInit;
      if (this.pendingRemote || !this.pc?.remoteDescription) this.held.push(c);
      else this.addCandidate(c);
      return;
    }
    if (typeof s.sdp === "string" && (s.type === "offer" || s.type === "answer")) this.pendingRemote = s.type;
    this.sp.signal(s);
  }

  /**
   * Restarts ICE: fresh servers (TURN credentials near expiry are replaced), then the initiator
   * offers with new ICE credentials; the other side asks the initiator to.
   */
  async restart(): Promise<void> {
    const pc = this.pc;
    if (this.done || !pc) return;
    if (this.o.freshIce) {
      try {
        const iceServers = await this.o.freshIce();
        if (this.done) return;
        pc.setConfiguration({ ...pc.getConfiguration(), iceServers });
      } catch {
        // Keep the current servers: a restart with them may still work.
      }
    }
    if (!this.o.initiator) return this.o.send({ restart: true });
    pc.restartIce();
    this.sp.negotiate();
  }

  /**
   * Sends `next` (or nothing) on the sender of that kind of media: no renegotiation (device switches,
   * camera off and on). Found by its transceiver, since a sender with no track has no kind.
   */
  async replaceTrack(kind: "audio" | "video", next: MediaStreamTrack | null): Promise<void> {
    const t = this.pc?.getTransceivers().find((x) => x.sender.track?.kind === kind || x.receiver.track.kind === kind);
    await t?.sender.replaceTrack(next);
  }

  /** Stale candidates (from before a restart) are refused by the browser: expected, not fatal. */
  private addCandidate(c: RTCIceCandidateInit): void {
    this.pc?.addIceCandidate(c).catch(() => {});
  }

  /** The native connection (for getStats, and for issue 10's ICE restart). */
  get pc(): RTCPeerConnection | null {
    return this.sp._pc;
  }

  stats(): Promise<RTCStatsReport | null> {
    return this.pc ? this.pc.getStats() : Promise.resolve(null);
  }

  /** Closes the connection; no event fires after this. */
  destroy(): void {
    this.done = true;
    this.stop();
  }

  private onConnected(): void {
    if (this.done) return;
    if (!this.connectedOnce) {
      this.connectedOnce = true;
      this.events.connected();
    } else if (this.recovery.active) {
      this.recovery.recovered();
      this.events.connected();
    }
  }

  private fail(message: string): void {
    if (this.done) return;
    this.done = true;
    this.events.failed(message);
    this.stop();
  }

  private stop(): void {
    this.recovery.dispose();
    this.unlisten();
    this.sp.destroy();
  }
}
