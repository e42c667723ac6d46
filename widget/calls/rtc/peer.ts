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
 * at construction, so the first offer/answer carries it and no renegotiation is ever needed.
 */
import type { SimplePeerInstance } from "simple-peer/simplepeer.min.js";

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
}

export interface PeerEvents {
  /** The other side's media. */
  remote(stream: MediaStream): void;
  /** ICE connected: media can flow. Once. */
  connected(): void;
  /** The connection failed for good (ICE failed, closed unexpectedly). Once. */
  failed(message: string): void;
}

export class Peer {
  private done = false;
  private connectedOnce = false;
  private candidates = 0;

  private constructor(
    private sp: SimplePeerInstance,
    send: (signal: Signal) => void,
    relay: boolean,
    private events: PeerEvents,
  ) {
    sp.on("signal", (s) => {
      if (this.done) return;
      if (s.candidate) this.candidates++;
      send(s);
    });
    sp.on("stream", (stream) => !this.done && events.remote(stream));
    sp.on("iceStateChange", (ice, gathering) => {
      if (ice === "connected" || ice === "completed") this.onConnected();
      // Relay-only with no relay candidate at all: TURN is unreachable or refused our credentials.
      else if (gathering === "complete" && relay && this.candidates === 0)
        this.fail("No relay candidate: the TURN server could not be reached or refused the credentials.");
    });
    sp.on("connect", () => this.onConnected());
    sp.on("error", (err) => this.fail(err.message || String(err.code)));
    sp.on("close", () => this.fail("The connection closed."));
  }

  /** Loads the library (its own chunk) and starts the connection; the initiator's offer follows. */
  static async create(o: PeerOptions, events: PeerEvents): Promise<Peer> {
    const { default: SimplePeer } = await import("simple-peer/simplepeer.min.js");
    const config: RTCConfiguration = { iceServers: o.iceServers, iceTransportPolicy: o.relay ? "relay" : "all" };
    return new Peer(new SimplePeer({ initiator: o.initiator, config, streams: [o.stream], trickle: true }), o.send, o.relay, events);
  }

  /** Preloads the library while the phone rings, so connecting does not wait for it. */
  static preload(): void {
    import("simple-peer/simplepeer.min.js").catch(() => {});
  }

  /** Applies one of the other side's signals; the caller hands them over strictly in order. */
  signal(s: Signal): void {
    if (!this.done) this.sp.signal(s);
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
    this.sp.destroy();
  }

  private onConnected(): void {
    if (this.done || this.connectedOnce) return;
    this.connectedOnce = true;
    this.events.connected();
  }

  private fail(message: string): void {
    if (this.done) return;
    this.done = true;
    this.events.failed(message);
    this.sp.destroy();
  }
}
