/**
 * Keeps the message list where the reader expects it: pinned to the newest message while they are
 * at the bottom, steady when an older page is prepended above them (the message they were looking
 * at stays put), and asks for older pages when they reach the top or the first page does not fill
 * the panel.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";

/** Pixels from an edge that still count as "at" it. */
const EDGE = 80;

export class ScrollController implements ReactiveController {
  private atBottom = true;
  private forceBottom = false;
  /** The first message in view before the update, and its distance from the list's top. */
  private anchor: { id: string; offset: number } | null = null;

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
    this.atBottom = isAtBottom(el);
    if (el.scrollTop < EDGE) this.loadOlder();
  };

  hostUpdate(): void {
    const el = this.list();
    if (!el) return;
    this.atBottom = isAtBottom(el);
    this.anchor = null;
    const top = el.getBoundingClientRect().top;
    for (const m of el.querySelectorAll<HTMLElement>('[part="message"][data-id]')) {
      const offset = m.getBoundingClientRect().top - top;
      if (offset >= 0) {
        this.anchor = { id: m.dataset.id!, offset };
        break;
      }
    }
  }

  hostUpdated(): void {
    const el = this.list();
    if (!el) return;
    if (this.forceBottom || this.atBottom) {
      el.scrollTop = el.scrollHeight;
    } else if (this.anchor) {
      const m = el.querySelector<HTMLElement>(`[part="message"][data-id="${CSS.escape(this.anchor.id)}"]`);
      if (m) el.scrollTop += m.getBoundingClientRect().top - el.getBoundingClientRect().top - this.anchor.offset;
    }
    this.forceBottom = false;
    if (el.scrollHeight <= el.clientHeight + EDGE) this.loadOlder();
  }
}

const isAtBottom = (el: HTMLElement) => el.scrollHeight - el.scrollTop - el.clientHeight < EDGE;
