/**
 * Who the webhooks last reported as members. `member.joined`/`member.removed` are membership changes,
 * and the room raises `changed("members")` without saying what changed when the host sets a whole
 * list; comparing with this mirror turns any change (one member, a list, a first join) into exactly
 * the events that happened. Kept even while webhooks are off, so turning them on does not replay the past.
 */
import type { Member } from "../../members-store.ts";

export type MemberChange = { type: "member.joined" | "member.removed"; user: string; name: string };

export class MemberMirror {
  constructor(private readonly sql: SqlStorage) {}

  /** Compares one user's membership (null: not a member) with the mirror and updates it. */
  one(user: string, member: Pick<Member, "name"> | null): MemberChange | null {
    const had = this.sql.exec<{ name: string }>("SELECT name FROM webhook_members WHERE user = ?", user).toArray()[0];
    if (member && !had) {
      this.sql.exec("INSERT INTO webhook_members (user, name) VALUES (?, ?)", user, member.name);
      return { type: "member.joined", user, name: member.name };
    }
    if (member && had && had.name !== member.name) {
      // A renamed member (their token carries a new name): member.removed later reports the name they had last.
      this.sql.exec("UPDATE webhook_members SET name = ? WHERE user = ?", member.name, user);
      return null;
    }
    if (!member && had) {
      this.sql.exec("DELETE FROM webhook_members WHERE user = ?", user);
      return { type: "member.removed", user, name: had.name };
    }
    return null;
  }

  /** Compares the whole membership with the mirror. */
  all(members: readonly Pick<Member, "user" | "name">[]): MemberChange[] {
    const known = new Map(
      this.sql
        .exec<{ user: string; name: string }>("SELECT user, name FROM webhook_members")
        .toArray()
        .map((r) => [r.user, r.name]),
    );
    const changes: MemberChange[] = [];
    for (const m of members) {
      if (known.delete(m.user)) continue;
      changes.push(this.one(m.user, m)!);
    }
    for (const user of known.keys()) changes.push(this.one(user, null)!);
    return changes;
  }
}
