/**
 * Read receipts and the unread count. A message counts as read when it is on screen in an open
 * panel of a visible tab (IntersectionObserver + visibilityState); the room stores each user's
 * last-read seq and tells everyone, so senders can show "Seen".
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { ChatMessage, ReadReceipt, ServerMessage } from "../../protocol/index.ts";
import { emit } from "../events.ts";
import { formatList, t, type Lang } from "../i18n/index.ts";
import type { ConnectionListener, RoomLink } from "./connection.ts";

type Host = ReactiveControllerHost & HTMLElement;

export class ReadsController implements ReactiveController, ConnectionListener {
  /** Last-read seq per user, as the room reports it. */
  reads = new Map<string, ReadReceipt>();
  /** Our own read position (what we sent or the room remembered). */
  private myRead = 0;
  private sentRead = 0;
  private visibleMax = 0;
  private lastUnread = 0;
  private observer: IntersectionObserver | null = null;
  private observedRoot: Element | null = null;
  private flushTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private host: Host,
    private link: RoomLink,
    private ctx: {
      self(): string | undefined;
      messages(): readonly ChatMessage[];
      list(): HTMLElement | null;
      /** The panel is open (always, inline; when expanded, launcher). */
      isOpen(): boolean;
      /** Unread across every conversation (the inbox), which replaces this room's count when known. */
      total?(): number | undefined;
    },
  ) {
    host.addController(this);
    link.listen(this);
  }

  hostConnected(): void {
    document.addEventListener("visibilitychange", this.onVisibility);
  }

  hostDisconnected(): void {
    document.removeEventListener("visibilitychange", this.onVisibility);
    this.observer?.disconnect();
    this.observer = null;
    this.observedRoot = null;
    clearTimeout(this.flushTimer);
  }

  reset(): void {
    this.reads.clear();
    this.myRead = this.sentRead = this.visibleMax = 0;
    this.lastUnread = 0;
  }

  frame(frame: ServerMessage): void {
    if (frame.type !== "reads") return;
    for (const r of frame.reads) {
      const prev = this.reads.get(r.user);
      if (!prev || r.seq >= prev.seq) this.reads.set(r.user, r);
      if (r.user === this.ctx.self()) this.myRead = Math.max(this.myRead, r.seq);
    }
    this.host.requestUpdate();
  }

  /** Connection back: our read position may not have reached the room. */
  onResync(): void {
    this.sentRead = Math.min(this.sentRead, this.reads.get(this.ctx.self() ?? "")?.seq ?? 0);
    this.flush();
  }

  /** Messages from others after our read position (in the inbox: across conversations). */
  unread(): number {
    const total = this.ctx.total?.();
    if (total !== undefined) return total;
    const me = this.ctx.self();
    let n = 0;
    for (const m of this.ctx.messages()) if (m.seq > this.myRead && m.user !== me) n++;
    return n;
  }

  /** Others who have read up to (at least) this message. */
  readers(seq: number): ReadReceipt[] {
    const me = this.ctx.self();
    return [...this.reads.values()].filter((r) => r.user !== me && r.seq >= seq);
  }

  /**
   * Receipt text for an own message: only the newest own message someone has read carries one,
   * "Seen" when there is one other participant, "Seen by N" in a group.
   */
  receipt(m: ChatMessage, lang: Lang, participants: ReadonlySet<string>): { text: string; names: string } | null {
    if (m !== this.newestReadOwn()) return null;
    const names = this.readers(m.seq).map((r) => r.name);
    const list = formatList(lang, names);
    if (participants.size <= 1) return { text: t(lang, "receipt.seen"), names: list };
    const text = names.length <= 3 ? t(lang, "receipt.seenByNames", { names: list }) : t(lang, "receipt.seenBy", { count: names.length });
    return { text, names: list };
  }

  private newestReadOwn(): ChatMessage | undefined {
    const me = this.ctx.self();
    const list = this.ctx.messages();
    for (let i = list.length - 1; i >= 0; i--) {
      const m = list[i]!;
      if (m.user === me && this.readers(m.seq).length > 0) return m;
    }
    return undefined;
  }

  /** After each render: observe new message elements, report the unread count when it changes. */
  hostUpdated(): void {
    const root = this.ctx.list();
    if (root !== this.observedRoot) {
      this.observer?.disconnect();
      this.observedRoot = root;
      this.observer = root ? new IntersectionObserver(this.onIntersect, { root, threshold: [0, 0.5, 1] }) : null;
    }
    if (this.observer && root) {
      for (const el of root.querySelectorAll<HTMLElement>('[part="message"][data-seq]:not([data-observed])')) {
        el.dataset.observed = "";
        this.observer.observe(el);
      }
    }
    this.flush();
    const count = this.unread();
    if (count !== this.lastUnread) {
      this.lastUnread = count;
      emit(this.host, "inapp-talk-unread", { count });
    }
  }

  /** The panel opened or the tab became visible: what is on screen now is read. */
  recheck(): void {
    const root = this.ctx.list();
    if (!root || !this.observer) return;
    // Re-observing delivers a fresh intersection entry for every element.
    for (const el of root.querySelectorAll<HTMLElement>('[part="message"][data-seq]')) {
      this.observer.unobserve(el);
      this.observer.observe(el);
    }
  }

  private onIntersect = (entries: IntersectionObserverEntry[]): void => {
    // Only what the user can see counts; recheck() looks again when the panel opens or the tab shows.
    if (document.visibilityState !== "visible" || !this.ctx.isOpen()) return;
    for (const e of entries) {
      // Half of it on screen, or half the list filled by it (a message taller than the panel).
      const seen = e.intersectionRatio >= 0.5 || (e.rootBounds !== null && e.intersectionRect.height >= e.rootBounds.height / 2);
      if (!e.isIntersecting || !seen) continue;
      const seq = Number((e.target as HTMLElement).dataset.seq);
      if (seq > this.visibleMax) this.visibleMax = seq;
    }
    this.flush();
  };

  private onVisibility = (): void => {
    if (document.visibilityState === "visible") this.recheck();
  };

  /** Sends `read` for the newest message seen while the user could actually see it. */
  private flush(): void {
    if (document.visibilityState !== "visible" || !this.ctx.isOpen()) return;
    const seq = this.visibleMax;
    if (seq <= this.sentRead) return;
    clearTimeout(this.flushTimer);
    // Batch a burst of intersections (scrolling, a page arriving) into one frame.
    this.flushTimer = setTimeout(() => {
      if (this.visibleMax <= this.sentRead || !this.link.send({ type: "read", seq: this.visibleMax })) return;
      this.sentRead = this.visibleMax;
      if (this.sentRead > this.myRead) {
        this.myRead = this.sentRead;
        this.host.requestUpdate();
      }
    }, 150);
  }
}
