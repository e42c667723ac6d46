/**
 * Keeps the message list where the reader expects it: pinned to the newest message while they are
 * at the bottom, steady when an older page is prepended above them, and asks for older pages when
 * they reach the top (or when the first page does not fill the panel).
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";

/** Pixels from an edge that still count as "at" it. */
const EDGE = 80;

export class ScrollController implements ReactiveController {
  private height = 0;
  private top = 0;
  private atBottom = true;
  private firstKey: string | undefined;
  private forceBottom = false;

  constructor(
    host: ReactiveControllerHost,
    private list: () => HTMLElement | null,
    private loadOlder: () => void,
  ) {
    host.addController(this);
  }

  /** Scroll to the end after the next render (the user sent something). */
  toBottom(): void {
    this.forceBottom = true;
  }

  onScroll = (): void => {
    const el = this.list();
    if (!el) return;
    this.atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < EDGE;
    if (el.scrollTop < EDGE) this.loadOlder();
  };

  hostUpdate(): void {
    const el = this.list();
    if (!el) return;
    this.height = el.scrollHeight;
    this.top = el.scrollTop;
    this.atBottom = el.scrollHeight - el.scrollTop - el.clientHeight < EDGE;
    this.firstKey = firstMessageKey(el);
  }

  hostUpdated(): void {
    const el = this.list();
    if (!el) return;
    const first = firstMessageKey(el);
    const prepended = this.firstKey !== undefined && first !== this.firstKey && el.scrollHeight > this.height && !this.atBottom;
    if (this.forceBottom || this.atBottom) {
      el.scrollTop = el.scrollHeight;
    } else if (prepended) {
      // Keep the message the reader was looking at in the same place.
      el.scrollTop = this.top + (el.scrollHeight - this.height);
    }
    this.forceBottom = false;
    if (el.scrollHeight <= el.clientHeight + EDGE) this.loadOlder();
  }
}

function firstMessageKey(el: HTMLElement): string | undefined {
  return el.querySelector<HTMLElement>('[part="message"]')?.dataset.id;
}
