/**
 * The devices side of a call: the panel (which devices are listed, the speaker chosen on this site),
 * the microphone meter while the panel shows it, the note shown when a device changes under the
 * call, and how many cameras this device has (a switch-camera control with two or more). The calls
 * controller owns one and says when to render; the session does the switching.
 */
import { listDevices, remember, remembered, type PickKind } from "./devices.ts";
import { meterLevel } from "./level.ts";
import type { CallSession } from "./session.ts";

/** How long "Microphone: USB headset" stays on screen. */
const NOTE_SHOWN_MS = 6000;

export class DevicePanel {
  /** The panel is open, with `list` shown. */
  open = false;
  list: MediaDeviceInfo[] = [];
  /** The speaker chosen on this site ("" = the system's). */
  speaker = remembered().audiooutput ?? "";
  /** What changed under the call, shown for a few seconds. */
  note: string | null = null;
  /** Cameras on this device, counted once media is granted (labels and counts need the permission). */
  cameras = 0;
  private stopMeter: (() => void) | null = null;
  private noteTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly update: () => void) {}

  /** Opens the panel with the current device list, or closes it; true when it opened. */
  async toggle(): Promise<boolean> {
    this.open = !this.open;
    if (this.open) this.list = await listDevices();
    return this.open;
  }

  /** A device chosen in the panel: the speaker applies to the other person's media; the others replace our track. */
  async pick(kind: PickKind, deviceId: string, session: CallSession | null): Promise<void> {
    if (kind !== "audiooutput") {
      await session?.useDevice(kind, deviceId);
      return;
    }
    this.speaker = deviceId;
    remember(kind, deviceId);
  }

  /** Runs the microphone meter into `el` while the panel shows it (`track` set), stops it otherwise. */
  meter(track: MediaStreamTrack | undefined, el: HTMLMeterElement | null): void {
    if (track && el && !this.stopMeter) this.stopMeter = meterLevel(track, (v) => (el.value = v));
    else if ((!track || !el) && this.stopMeter) {
      this.stopMeter();
      this.stopMeter = null;
    }
  }

  /** Shows what changed under the call for a few seconds. */
  noted(text: string): void {
    this.note = text;
    clearTimeout(this.noteTimer);
    this.noteTimer = setTimeout(() => {
      this.note = null;
      this.update();
    }, NOTE_SHOWN_MS);
  }

  /** Counts cameras the first time the session has local video. */
  count(session: CallSession): void {
    if (this.cameras > 0 || !session.local?.getVideoTracks().length) return;
    void listDevices().then((d) => {
      this.cameras = d.filter((x) => x.kind === "videoinput").length;
      this.update();
    });
  }

  /** The call is over: close the panel, stop the meter, drop the note (the speaker choice stays). */
  reset(): void {
    this.open = false;
    this.note = null;
    clearTimeout(this.noteTimer);
    this.stopMeter?.();
    this.stopMeter = null;
  }
}
