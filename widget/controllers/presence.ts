/**
 * Who is here and who is typing. Presence comes from the room (a snapshot on join, then diffs);
 * typing notices expire by themselves, and our own are throttled before they reach the socket.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import type { PresenceUser, ServerMessage } from "../../protocol/index.ts";
import type { ConnectionListener, RoomLink } from "./connection.ts";

/** At most one `typing` frame per this interval while the user keeps typing. */
export const TYPING_SEND_MS = 2000;
/** A typing notice disappears this long after the last one (a little over the send interval). */
export const TYPING_SHOW_MS = 4000;

export class PresenceController implements ReactiveController, ConnectionListener {
  /** Everyone online, by user id (several tabs of one user are one entry). */
  online = new Map<string, string>();
  /** Users typing now → when their notice expires. */
  private typing = new Map<string, { name: string; until: number }>();
  private lastTypingSent = -Infinity;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private host: ReactiveControllerHost,
    private link: RoomLink,
  ) {
    host.addController(this);
    link.listen(this);
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
    this.reset();
  }

  reset(): void {
    this.online.clear();
    this.typing.clear();
  }

  frame(frame: ServerMessage): void {
    switch (frame.type) {
      case "presence":
        this.online = new Map(frame.online.map((p: PresenceUser) => [p.user, p.name]));
        break;
      case "presence_diff":
        for (const p of frame.joined) this.online.set(p.user, p.name);
        for (const user of frame.left) {
          this.online.delete(user);
          this.typing.delete(user);
        }
        break;
      case "typing":
        this.typing.set(frame.user, { name: frame.name, until: Date.now() + TYPING_SHOW_MS });
        this.scheduleExpiry();
        break;
      case "message":
        // Their message arrived: they are done typing it.
        this.typing.delete(frame.message.user);
        break;
      default:
        return;
    }
    this.host.requestUpdate();
  }

  /** The connection dropped: presence is unknown until the next snapshot. */
  close(): void {
    this.reset();
    this.host.requestUpdate();
  }

  /** Call on every keystroke that leaves text in the input; sends at most one frame per interval. */
  userTyped(now = Date.now()): void {
    if (now - this.lastTypingSent < TYPING_SEND_MS) return;
    if (this.link.send({ type: "typing" })) this.lastTypingSent = now;
  }

  /** The user sent their message: the next keystroke may announce typing again at once. */
  userSent(): void {
    this.lastTypingSent = -Infinity;
  }

  /** Names of others typing now. */
  typingNames(self: string | undefined, now = Date.now()): string[] {
    const names: string[] = [];
    for (const [user, t] of this.typing) if (user !== self && t.until > now) names.push(t.name);
    return names;
  }

  /** Others online, sorted by name. */
  others(self: string | undefined): Array<{ user: string; name: string }> {
    return [...this.online]
      .filter(([user]) => user !== self)
      .map(([user, name]) => ({ user, name }))
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  private scheduleExpiry(): void {
    clearTimeout(this.timer);
    const now = Date.now();
    let next = Infinity;
    for (const [user, t] of this.typing) {
      if (t.until <= now) this.typing.delete(user);
      else next = Math.min(next, t.until);
    }
    if (next !== Infinity) {
      this.timer = setTimeout(
        () => {
          this.scheduleExpiry();
          this.host.requestUpdate();
        },
        next - now + 20,
      );
    }
  }
}
