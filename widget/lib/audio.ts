/**
 * Sound for new messages. Browsers only allow sound after a user gesture, so the element calls
 * `unlockAudio()` on its first click or key press; the chime itself (chime.ts) is a chunk fetched
 * the first time one plays, which most page views never do.
 */
let ctx: AudioContext | null = null;

export function unlockAudio(): void {
  try {
    ctx ??= new AudioContext();
    if (ctx.state === "suspended") void ctx.resume();
  } catch {
    ctx = null;
  }
}

/** Plays the chime if sound has been unlocked; silent otherwise. */
export function chime(): void {
  const audio = ctx;
  if (audio?.state !== "running") return;
  import("./chime.ts").then(
    (m) => m.play(audio),
    () => {},
  );
}
