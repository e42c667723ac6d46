/**
 * Web push for one `<inapp-talk push>`: works out the state (on / off / denied / unsupported),
 * offers notifications in context after the user sends a message (never on page load), turns them
 * on only from a click, off again, and mutes this conversation. Announces each state change with
 * `inapp-talk-push`.
 */
import type { ReactiveController } from "lit";
import { emit, type PushStateName } from "../events.ts";
import type { FeatureContext } from "../features/types.ts";
import type { MessageKey } from "../i18n/index.ts";
import { ANSWER_HASH } from "../sw/payload.ts";
import { mute, postSubscription, postUnsubscribe, publicKey } from "./api.ts";
import { clearNotifications, madeWithKey, manager, pushPath, subscribe, workerPlace, type WorkerPlace } from "./browser.ts";
import { dismissOffer, forgetEndpoint, offerDismissed, postedEndpoint, postedLang, recordPosted } from "./record.ts";

/** `unavailable`: the server has no web push configured, so nothing is shown. */
export type PushState = "loading" | "unavailable" | PushStateName;

export class PushController implements ReactiveController {
  state: PushState = "loading";
  muted = false;
  busy = false;
  error: MessageKey | null = null;
  /** The bell's panel is open. */
  panelOpen = false;
  /** The in-context offer ("Get notified when Bob answers") is shown. */
  offer = false;
  /** A control to focus after the next render. */
  focusNext: string | null = null;
  /** What a screen reader is told after the offer was answered (the offer itself is gone by then). */
  said: MessageKey | null = null;

  private readonly path = pushPath();
  private key: string | null = null;
  private emitted = "";
  private stale = false;

  constructor(private ctx: FeatureContext) {
    ctx.host.addController(this);
    ctx.link.listen({
      frame: (f) => {
        // The user's own message was stored: the moment to offer, in context.
        if (f.type === "ack") this.sent();
        else if (f.type === "welcome" && this.stale) {
          this.stale = false;
          void this.refresh();
        }
      },
      // Another room or server: its mute and the user's subscription are read again once joined.
      reset: () => {
        this.stale = true;
        this.offer = this.panelOpen = false;
        this.key = null;
      },
    });
    void this.refresh();
  }

  hostConnected(): void {
    document.addEventListener("visibilitychange", this.onVisible);
    navigator.serviceWorker?.addEventListener("message", this.onWorkerMessage);
    navigator.serviceWorker?.startMessages();
  }

  hostDisconnected(): void {
    document.removeEventListener("visibilitychange", this.onVisible);
    navigator.serviceWorker?.removeEventListener("message", this.onWorkerMessage);
  }

  hostUpdated(): void {
    const target = this.focusNext ? this.ctx.host.renderRoot.querySelector<HTMLElement>(this.focusNext) : null;
    if (target) {
      target.focus();
      this.focusNext = null;
    }
  }

  private get room(): string {
    return this.ctx.host.room;
  }

  private get place(): WorkerPlace {
    const h = this.ctx.host;
    return workerPlace(h.getAttribute("sw-url"), h.getAttribute("sw-scope"), this.ctx.server());
  }

  private get user(): string {
    return this.ctx.self()?.user ?? "";
  }

  /** Reads the state from the server (is push configured?), the browser and what this user posted. */
  async refresh(): Promise<void> {
    try {
      this.key ??= await publicKey(this.ctx);
      if (!this.key) return this.set("unavailable");
      if (this.path === "none") return this.set("unsupported");
      if (Notification.permission === "denied") return this.set("denied");
      const pm = await manager(this.path, this.place, false);
      const sub = Notification.permission === "granted" ? await pm?.getSubscription() : null;
      const posted = postedEndpoint(this.ctx.server(), this.user);
      if (!sub || !posted || !madeWithKey(sub, this.key)) return this.set("off");
      // The browser replaced the subscription, or the page now shows another language: post it again.
      if (posted !== sub.endpoint || postedLang(this.ctx.server(), this.user) !== this.ctx.host.language) await this.post(sub);
      this.muted = await mute(this.ctx, this.room).catch(() => false);
      this.set("on");
      void clearNotifications(this.path, this.place, this.room);
    } catch (err) {
      console.warn("[inapp-talk] push state unknown:", err);
      if (this.state === "loading") this.set("unavailable");
    }
  }

  /**
   * "Turn on" / "Notify me": must run straight from the click (browsers ask only then). From the
   * offer, which then goes away, the keyboard focus moves to the bell and the outcome is announced.
   */
  async turnOn(fromOffer = false): Promise<void> {
    if (this.busy || !this.key) return;
    this.busy = true;
    this.error = null;
    this.update();
    try {
      let pm: PushManager | null;
      if (this.path === "declarative") {
        // Safari asks for permission inside subscribe(), which must be the first thing the click does.
        pm = await manager(this.path, this.place, false);
      } else {
        const permission = await Notification.requestPermission();
        if (permission !== "granted") {
          this.offer = false;
          return this.set(permission === "denied" ? "denied" : "off");
        }
        pm = await manager(this.path, this.place, true);
      }
      if (!pm) throw new Error("no push manager");
      // A subscription made with the server's old keys cannot be reused (subscribe() would refuse).
      const old = await pm.getSubscription();
      if (old && !madeWithKey(old, this.key)) {
        forgetEndpoint(old.endpoint);
        await old.unsubscribe();
      }
      await this.post(await subscribe(pm, this.key));
      this.offer = false;
      this.muted = await mute(this.ctx, this.room).catch(() => false);
      this.set("on");
    } catch (err) {
      console.warn("[inapp-talk] notifications not turned on:", err);
      if (this.path !== "none" && Notification.permission === "denied") this.set("denied");
      else this.error = "push.error.failed";
    } finally {
      this.busy = false;
      if (fromOffer && !this.offer) {
        this.said = this.state === "on" ? "push.state.on" : this.state === "denied" ? "push.state.denied" : null;
        this.focusNext = '[part~="push-button"]';
      }
      this.update();
    }
  }

  /** Drops this device's subscription here and on the server. */
  async turnOff(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.update();
    try {
      const pm = await manager(this.path, this.place, false);
      const sub = await pm?.getSubscription();
      if (sub) {
        // Even if the server cannot be told now, the browser's subscription goes: its next push gets 410 and is pruned.
        await postUnsubscribe(this.ctx, sub.endpoint).catch((err: unknown) => console.warn("[inapp-talk] unsubscribe not posted:", err));
        forgetEndpoint(sub.endpoint);
        await sub.unsubscribe();
      }
      this.muted = false;
      this.set("off");
      this.focusNext = '[part~="push-toggle"]';
    } finally {
      this.busy = false;
      this.update();
    }
  }

  async toggleMute(): Promise<void> {
    if (this.busy) return;
    this.busy = true;
    this.error = null;
    this.update();
    try {
      this.muted = await mute(this.ctx, this.room, !this.muted);
      this.emitState();
    } catch (err) {
      console.warn("[inapp-talk] mute not changed:", err);
      this.error = "push.error.mute";
    } finally {
      this.busy = false;
      this.update();
    }
  }

  togglePanel(): void {
    this.panelOpen = !this.panelOpen;
    this.said = null;
    this.error = null;
    this.focusNext = this.panelOpen ? '[part~="push-panel"] button' : '[part~="push-button"]';
    if (this.panelOpen && this.state !== "loading") void this.refresh();
    this.update();
  }

  declineOffer(): void {
    this.offer = false;
    dismissOffer(this.room);
    this.focusNext = '[part~="input"]';
    this.update();
  }

  private async post(sub: PushSubscription): Promise<void> {
    const lang = this.ctx.host.language;
    await postSubscription(this.ctx, sub.toJSON(), location.href, lang);
    recordPosted(this.ctx.server(), this.user, sub.endpoint, lang);
  }

  private sent(): void {
    if (this.state !== "off" || this.offer || offerDismissed(this.room)) return;
    this.offer = true;
    this.update();
  }

  private set(state: PushState): void {
    this.state = state;
    this.emitState();
    this.update();
  }

  private emitState(): void {
    if (this.state === "loading" || this.state === "unavailable") return;
    const detail = { state: this.state, muted: this.state === "on" && this.muted };
    const key = JSON.stringify(detail);
    if (key === this.emitted) return;
    this.emitted = key;
    emit(this.ctx.host, "inapp-talk-push", detail);
  }

  private update(): void {
    this.ctx.host.requestUpdate();
  }

  /** The user came back to the page: this room's notifications have been seen. */
  private onVisible = () => {
    if (document.visibilityState === "visible" && this.state === "on") void clearNotifications(this.path, this.place, this.room);
  };

  /** A click on a notification focused this tab; Answer is handed to the calls feature through the URL hint. */
  private onWorkerMessage = (e: MessageEvent) => {
    const m = e.data as { type?: unknown; room?: unknown; answer?: unknown } | null;
    if (m?.type !== "inapp-talk-open" || m.room !== this.room) return;
    if (typeof m.answer === "string") location.hash = ANSWER_HASH + encodeURIComponent(m.answer);
  };
}
