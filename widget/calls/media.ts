/**
 * Camera and microphone. Every track this module hands out is stopped by `stopAll` when the call
 * ends — preview included — so no camera light is left on. Failures are sorted into what the user
 * (or the host page's developer) can do about them.
 */
import type { CallKind } from "../../protocol/index.ts";
import { constraintsFor } from "./devices.ts";

/** Why media could not be had; each has its own message (i18n `call.media.*`). */
export type MediaProblem = "policy" | "denied" | "missing" | "busy" | "insecure";

export class MediaError extends Error {
  constructor(readonly problem: MediaProblem) {
    super(`media: ${problem}`);
  }
}

/** The host page's Permissions-Policy (an iframe without `allow="camera; microphone"`). */
function policyBlocks(kind: CallKind): boolean {
  const doc = document as Document & { permissionsPolicy?: { allowsFeature(f: string): boolean }; featurePolicy?: { allowsFeature(f: string): boolean } };
  const policy = doc.permissionsPolicy ?? doc.featurePolicy;
  if (!policy) return false;
  return !policy.allowsFeature("microphone") || (kind === "video" && !policy.allowsFeature("camera"));
}

/** Microphone, plus the camera for a video call (the devices this site's user chose, if still there). */
export async function getMedia(kind: CallKind): Promise<MediaStream> {
  if (!navigator.mediaDevices?.getUserMedia) throw new MediaError(isSecureContext ? "missing" : "insecure");
  if (policyBlocks(kind)) throw new MediaError("policy");
  try {
    return await navigator.mediaDevices.getUserMedia({ audio: constraintsFor("audioinput"), video: kind === "video" ? constraintsFor("videoinput") : false });
  } catch (err) {
    const name = err instanceof DOMException ? err.name : "";
    if (name === "NotAllowedError" || name === "SecurityError") throw new MediaError(policyBlocks(kind) ? "policy" : "denied");
    if (name === "NotFoundError" || name === "OverconstrainedError") throw new MediaError("missing");
    if (name === "NotReadableError" || name === "AbortError") throw new MediaError("busy");
    throw new MediaError("missing");
  }
}

/** Stops every track of every stream given (a stopped track is harmless to stop again). */
export function stopAll(...streams: Array<MediaStream | null | undefined>): void {
  for (const s of streams) for (const t of s?.getTracks() ?? []) t.stop();
}

/** Keeps only the microphone: a video call answered with audio only is an audio call. */
export function dropVideo(stream: MediaStream): void {
  for (const t of stream.getVideoTracks()) {
    t.stop();
    stream.removeTrack(t);
  }
}
