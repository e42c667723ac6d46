/**
 * The launcher layout's open/close behaviour: toggle, Escape to close, focus moved into the panel
 * on open and back to the bubble on close, and unlocking audio on the first user gesture.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import { unlockAudio } from "../lib/chime.ts";

interface Host extends ReactiveControllerHost, HTMLElement {
  layout: string;
  open: boolean;
  readonly renderRoot: HTMLElement | DocumentFragment;
}

export class LauncherController implements ReactiveController {
  private wasOpen: boolean | undefined;

  constructor(
    private host: Host,
    private onOpened: () => void,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    this.host.addEventListener("pointerdown", unlockAudio);
    this.host.addEventListener("keydown", this.onKeydown);
  }

  hostDisconnected(): void {
    this.host.removeEventListener("pointerdown", unlockAudio);
    this.host.removeEventListener("keydown", this.onKeydown);
  }

  get active(): boolean {
    return this.host.layout === "launcher";
  }

  toggle = (): void => {
    unlockAudio();
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
      if (!matchMedia("(pointer: coarse)").matches) this.find("input")?.focus();
      this.onOpened();
    } else if (this.host.shadowRoot?.activeElement) {
      this.find("launcher")?.focus();
    }
  }

  private find(part: string): HTMLElement | null {
    return this.host.renderRoot.querySelector<HTMLElement>(`[part="${part}"]`);
  }

  private onKeydown = (e: KeyboardEvent): void => {
    unlockAudio();
    if (e.key === "Escape" && this.active && this.host.open) {
      this.host.open = false;
      this.find("launcher")?.focus();
    }
  };
}
