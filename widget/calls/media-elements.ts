/**
 * Gives the rendered `<video>`/`<audio>` elements (marked `data-stream="local|remote"`) their
 * streams after each render, and notices when the browser's autoplay rules keep the other person
 * silent, so the view can offer "tap to hear" instead of silence.
 */
import type { CallSession } from "./session.ts";

export function bindMedia(root: ParentNode, session: CallSession | null, speaker: string, onBlocked: () => void): void {
  for (const el of root.querySelectorAll<HTMLMediaElement>("[data-stream]")) {
    const remote = el.dataset.stream === "remote";
    // The chosen speaker, where the browser lets a page choose (devices.ts canPickSpeaker).
    const sink = el as HTMLMediaElement & { sinkId?: string; setSinkId?(id: string): Promise<void> };
    if (remote && sink.setSinkId && sink.sinkId !== speaker) sink.setSinkId(speaker).catch(() => {});
    const stream = (remote ? session?.remote : session?.local) ?? null;
    if (el.srcObject === stream) continue;
    el.srcObject = stream;
    if (stream) play(el, remote ? onBlocked : () => {});
  }
}

/** Plays the other person's media again, from a click (a user gesture autoplay rules accept). */
export function playRemote(root: ParentNode): Promise<unknown> {
  return Promise.all([...root.querySelectorAll<HTMLMediaElement>('[data-stream="remote"]')].map((el) => el.play()));
}

function play(el: HTMLMediaElement, onBlocked: () => void): void {
  el.play().catch((err: unknown) => {
    if (err instanceof DOMException && err.name === "NotAllowedError") onBlocked();
  });
}
