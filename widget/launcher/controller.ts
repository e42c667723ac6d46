/**
 * The launcher layout's open/close behaviour: toggle, Escape to close, focus moved into the panel
 * on open and back to the bubble on close, Tab kept inside the panel while it covers the whole
 * screen (it is modal there).
 */
import type { ReactiveController } from "lit";
import type { FeatureHost } from "../features/types.ts";

/** Must match the full-screen breakpoint in launcher.styles.ts. */
const FULL_SCREEN = "(max-width: 480px)";
const FOCUSABLE = "a[href], button:not([disabled]), textarea:not([disabled]), input:not([disabled]), [tabindex]:not([tabindex='-1'])";

export class LauncherController implements ReactiveController {
  private wasOpen: boolean | undefined;

  constructor(
    private host: FeatureHost,
    private onOpened: () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener("keydown", this.onKeydown);
  }

  hostDisconnected(): void {
    this.host.removeEventListener("keydown", this.onKeydown);
  }

  get active(): boolean {
    return this.host.layout === "launcher";
  }

  toggle = (): void => {
    this.host.open = !this.host.open;
  };

  hostUpdated(): void {
    const open = this.host.open;
    if (open === this.wasOpen) return;
    const first = this.wasOpen === undefined;
    this.wasOpen = open;
    if (first || !this.active) return;
    if (open) {
      // On touch screens focusing the input would pop up the keyboard over the conversation.
      // The inbox's list has no input: its row with the tab stop takes focus.
      if (!matchMedia("(pointer: coarse)").matches)
        (this.find("input") ?? this.host.renderRoot.querySelector<HTMLElement>('[part~="conversation"][tabindex="0"]'))?.focus();
      this.onOpened();
    } else if (this.host.shadowRoot?.activeElement) {
      this.find("launcher")?.focus();
    }
  }

  private find(part: string): HTMLElement | null {
    return this.host.renderRoot.querySelector<HTMLElement>(`[part="${part}"]`);
  }

  private onKeydown = (e: KeyboardEvent): void => {
    if (!this.active || !this.host.open) return;
    if (e.key === "Escape") {
      this.host.open = false;
      this.find("launcher")?.focus();
    } else if (e.key === "Tab" && matchMedia(FULL_SCREEN).matches) {
      this.trapTab(e);
    }
  };

  /** Wraps Tab from the last focusable control of the full-screen panel to the first, and back. */
  private trapTab(e: KeyboardEvent): void {
    const items = [...(this.find("panel")?.querySelectorAll<HTMLElement>(FOCUSABLE) ?? [])];
    const first = items[0];
    const last = items[items.length - 1];
    const active = this.host.shadowRoot?.activeElement;
    if (!first || !last) return;
    if (e.shiftKey && (active === first || !active)) {
      e.preventDefault();
      last.focus();
    } else if (!e.shiftKey && active === last) {
      e.preventDefault();
      first.focus();
    }
  }
}
