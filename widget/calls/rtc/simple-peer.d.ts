/**
 * The part of simple-peer 9.11.1's API this widget uses, for its self-contained browser build
 * (`simple-peer/simplepeer.min.js`, a UMD bundle without types of its own).
 */
declare module "simple-peer/simplepeer.min.js" {
  export interface SimplePeerOptions {
    initiator?: boolean;
    config?: RTCConfiguration;
    streams?: MediaStream[];
    trickle?: boolean;
  }
  export interface SimplePeerInstance {
    readonly _pc: RTCPeerConnection | null;
    readonly destroyed: boolean;
    signal(data: unknown): void;
    /** Renegotiates: the initiator makes a new offer (after `restartIce()`, one with new ICE credentials). */
    negotiate(): void;
    destroy(err?: Error): void;
    on(event: "signal", cb: (data: Record<string, unknown>) => void): this;
    on(event: "stream", cb: (stream: MediaStream) => void): this;
    on(event: "connect" | "close", cb: () => void): this;
    on(event: "error", cb: (err: Error & { code?: string }) => void): this;
    on(event: "iceStateChange", cb: (ice: RTCIceConnectionState, gathering: RTCIceGatheringState) => void): this;
  }
  const SimplePeer: new (opts?: SimplePeerOptions) => SimplePeerInstance;
  export default SimplePeer;
}
