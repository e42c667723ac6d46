/**
 * The ringtone and the title cue of an incoming call. The tone is made with WebAudio (no file to
 * download). Browsers keep audio suspended until the user interacts with the page: then it starts
 * on the first click or key press, and until then the sheet rings visually (calls.styles.ts).
 * While the tab is hidden the page title alternates with "📞 Alice is calling…" and is restored after.
 */
const GESTURES = ["pointerdown", "keydown"] as const;

export class Ringer {
  private ctx: AudioContext | null = null;
  private timer: ReturnType<typeof setInterval> | undefined;
  private titleTimer: ReturnType<typeof setInterval> | undefined;
  private savedTitle: string | null = null;

  /** Rings until `stop()`; `cue` is the title shown while the tab is hidden. */
  start(cue: string): void {
    this.stop();
    try {
      this.ctx = new AudioContext();
    } catch {
      this.ctx = null;
    }
    if (this.ctx?.state === "suspended") for (const g of GESTURES) addEventListener(g, this.resume, { capture: true });
    this.burst();
    this.timer = setInterval(() => this.burst(), 3000);
    this.titleTimer = setInterval(() => this.flipTitle(cue), 1000);
  }

  stop(): void {
    clearInterval(this.timer);
    clearInterval(this.titleTimer);
    for (const g of GESTURES) removeEventListener(g, this.resume, { capture: true });
    void this.ctx?.close().catch(() => {});
    this.ctx = null;
    if (this.savedTitle !== null) document.title = this.savedTitle;
    this.savedTitle = null;
  }

  private resume = (): void => {
    void this.ctx?.resume().then(
      () => this.burst(),
      () => {},
    );
  };

  /** Two short double rings (a phone's "ring-ring"), 440 + 480 Hz. */
  private burst(): void {
    const ctx = this.ctx;
    if (ctx?.state !== "running") return;
    const t0 = ctx.currentTime;
    const gain = ctx.createGain();
    gain.gain.value = 0;
    gain.connect(ctx.destination);
    for (const at of [0, 0.5]) {
      gain.gain.setValueAtTime(0.0001, t0 + at);
      gain.gain.exponentialRampToValueAtTime(0.08, t0 + at + 0.02);
      gain.gain.setValueAtTime(0.08, t0 + at + 0.35);
      gain.gain.exponentialRampToValueAtTime(0.0001, t0 + at + 0.4);
    }
    for (const freq of [440, 480]) {
      const osc = ctx.createOscillator();
      osc.frequency.value = freq;
      osc.connect(gain);
      osc.start(t0);
      osc.stop(t0 + 0.95);
    }
  }

  private flipTitle(cue: string): void {
    if (document.visibilityState !== "hidden") {
      if (this.savedTitle !== null) document.title = this.savedTitle;
      this.savedTitle = null;
      return;
    }
    if (this.savedTitle === null) {
      this.savedTitle = document.title;
      document.title = cue;
    } else {
      document.title = document.title === cue ? this.savedTitle : cue;
    }
  }
}
