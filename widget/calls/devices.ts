/**
 * Which microphone, camera and speaker a call uses. The choice is remembered per site (this
 * origin's localStorage) and asked for as `ideal`, so a device that is gone falls back to the
 * default instead of failing the call. Mid-call changes replace the sending track in place
 * (`RTCRtpSender.replaceTrack`): no renegotiation, the call never drops.
 */
export type PickKind = "audioinput" | "videoinput" | "audiooutput";
export type Choices = Partial<Record<PickKind, string>>;

const KEY = "inapp-talk:devices";

export function remembered(): Choices {
  try {
    const v: unknown = JSON.parse(localStorage.getItem(KEY) ?? "{}");
    return v && typeof v === "object" ? (v as Choices) : {};
  } catch {
    // Storage blocked (a sandboxed iframe, privacy settings): no memory, defaults every time.
    return {};
  }
}

export function remember(kind: PickKind, deviceId: string): void {
  try {
    localStorage.setItem(KEY, JSON.stringify({ ...remembered(), [kind]: deviceId }));
  } catch {
    // As above: the choice holds for this call only.
  }
}

export const AUDIO: MediaTrackConstraints = { echoCancellation: true, noiseSuppression: true, autoGainControl: true };
export const VIDEO: MediaTrackConstraints = { width: { ideal: 640 }, height: { ideal: 480 } };

/** Constraints for one kind, with the remembered (or given) device as a preference. */
export function constraintsFor(kind: "audioinput" | "videoinput", deviceId = remembered()[kind], exact = false): MediaTrackConstraints {
  const base = kind === "audioinput" ? AUDIO : VIDEO;
  if (!deviceId) return kind === "videoinput" ? { ...base, facingMode: "user" } : base;
  return { ...base, deviceId: exact ? { exact: deviceId } : { ideal: deviceId } };
}

/** Speaker choice works only where media elements have `setSinkId` (not Safari, not Firefox for Android). */
export const canPickSpeaker = (): boolean => typeof HTMLMediaElement !== "undefined" && "setSinkId" in HTMLMediaElement.prototype;

export async function listDevices(): Promise<MediaDeviceInfo[]> {
  return (await navigator.mediaDevices?.enumerateDevices?.()) ?? [];
}

/**
 * The device a track should move to after a change: the remembered one if present, else the
 * system default, else the first; null when the current one is still there and still the best.
 */
export function pickAfterChange(
  kind: "audioinput" | "videoinput",
  current: string | undefined,
  available: MediaDeviceInfo[],
  choice: string | undefined,
): string | null {
  const ids = available.filter((d) => d.kind === kind).map((d) => d.deviceId);
  if (ids.length === 0) return null;
  if (choice && ids.includes(choice)) return choice === current ? null : choice;
  if (current && ids.includes(current)) return null;
  return ids.includes("default") ? "default" : ids[0]!;
}
