/**
 * When to restart ICE, and when to give up: the policy, apart from the peer that carries it out.
 * A `disconnected` path often comes back by itself within a second or two (a lost packet burst), so
 * it gets a grace period; `failed` or a network change (Wi-Fi → LTE, `online`) restarts at once.
 * While the path stays broken the restart is repeated, because an attempt made while the relay or
 * the network is still down fails too; after `boundMs` the call has failed for good.
 */
export interface RecoveryHooks {
  /** The path broke: show `reconnecting`. Once per episode. */
  reconnecting(): void;
  /** Restart ICE now. */
  restart(): void;
  /** Still broken after the bound. */
  giveUp(): void;
}

export interface RecoveryTimes {
  /** How long `disconnected` may last before a restart. */
  graceMs: number;
  /** Between two restarts while still broken. */
  retryMs: number;
  /** From the first sign of trouble to giving up. */
  boundMs: number;
}

export const RECOVERY_DEFAULTS: RecoveryTimes = { graceMs: 2_000, retryMs: 5_000, boundMs: 20_000 };

export type Trouble = "disconnected" | "failed" | "network";

export class Recovery {
  private since: number | null = null;
  private lastRestart = 0;
  private restartTimer: ReturnType<typeof setTimeout> | undefined;
  private boundTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly hooks: RecoveryHooks,
    private readonly times: RecoveryTimes = RECOVERY_DEFAULTS,
  ) {}

  /** Whether an episode is under way. */
  get active(): boolean {
    return this.since !== null;
  }

  trouble(kind: Trouble, now = Date.now()): void {
    if (this.since === null) {
      this.since = now;
      this.hooks.reconnecting();
      this.boundTimer = setTimeout(() => this.end(true), this.times.boundMs);
    }
    if (kind === "disconnected") this.schedule(this.times.graceMs);
    // Two signals of the same break (failed right after a network change) make one restart.
    else if (now - this.lastRestart >= 1_000) this.schedule(0);
  }

  /** Media flows again. */
  recovered(): void {
    if (this.since !== null) this.end(false);
  }

  dispose(): void {
    this.end(false);
  }

  private schedule(ms: number): void {
    if (this.restartTimer !== undefined && ms > 0) return;
    clearTimeout(this.restartTimer);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.since === null) return;
      this.lastRestart = Date.now();
      this.hooks.restart();
      this.schedule(this.times.retryMs);
    }, ms);
  }

  private end(failed: boolean): void {
    clearTimeout(this.restartTimer);
    clearTimeout(this.boundTimer);
    this.restartTimer = this.boundTimer = undefined;
    this.since = null;
    if (failed) this.hooks.giveUp();
  }
}
