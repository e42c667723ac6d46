import { describe, expect, it } from "vitest";
import { INBOX_PREVIEW_LENGTH, isWellFormed } from "../../../protocol/index.ts";
import type { Member } from "../../members-store.ts";
import { conversationFor, preview, titleFor, VIEW_MEMBERS, type RoomView } from "./rows.ts";

const member = (user: string, lastRead = 0): Member => ({ user, name: user.toUpperCase(), role: "member", joinedAt: 1, lastRead });
const view = (users: string[], hostTitle: string | null = null): RoomView => ({
  room: "r",
  hostTitle,
  count: users.length,
  members: users.slice(0, VIEW_MEMBERS).map((u) => member(u)),
  last: null,
});

describe("inbox rows", () => {
  it("titles: the host's, else the other member, else the others' names with a count", () => {
    expect(titleFor(view(["a", "b"], "Bike"), "a")).toBe("Bike");
    expect(titleFor(view(["a", "b"]), "a")).toBe("B");
    expect(titleFor(view(["a", "b", "c"]), "b")).toBe("A, C");
    expect(titleFor(view(["a", "b", "c", "d", "e", "f", "g"]), "a")).toBe("B, C, D, E +2");
    // A member who joined after the first five: the first four others, and the rest counted.
    expect(titleFor(view(["a", "b", "c", "d", "e", "f", "g"]), "g")).toBe("A, B, C, D +2");
    expect(titleFor(view(["a"]), "a")).toBe("r");
  });

  it("previews one line, cut by characters (never half of one)", () => {
    expect(preview("  two\n\tlines  ")).toBe("two lines");
    const emoji = "😀".repeat(INBOX_PREVIEW_LENGTH + 5);
    const cut = preview(emoji);
    expect(Array.from(cut)).toHaveLength(INBOX_PREVIEW_LENGTH);
    expect(cut.endsWith("…")).toBe(true);
    expect(isWellFormed(cut)).toBe(true);
  });

  it("a peer only in a two-member room, with its online state", () => {
    const two = view(["a", "b"]);
    expect(conversationFor(two, member("a", 3), 2, (u) => u === "b")).toEqual({
      room: "r",
      title: "B",
      last: null,
      unread: 2,
      last_read: 3,
      peer: { user: "b", name: "B", online: true },
    });
    expect(conversationFor(view(["a", "b", "c"]), member("a"), 0, () => true).peer).toBeNull();
  });
});
