// Issue 13, fallback: the rule "push if they have a device; one notification.fallback only if they
// have none or the pushed entry is still unread when FALLBACK_AFTER ends" — on a real room's SQLite
// (members, history) with the feature's timers held in a stand-in that runs a row only once it is due
// and keeps it when the handler set it again, as party/timers.ts does. Reachability is a stand-in here;
// the user object's own answer (`reach`) is tested at the end through the Worker's push routes.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import type { ChatMessage } from "../../../protocol/index.ts";
import { api, env, sleep, token } from "../../../test/workerd/helpers.ts";
import { openInbox, userObject } from "../../../test/workerd/inbox.ts";
import type { FallbackNotice, RoomContext, RoomFeature } from "../../feature.ts";
import { MemberStore } from "../../members-store.ts";
import { MessageStore } from "../../messages-store.ts";
import type { Room } from "../../room.ts";
import type { FeatureTimers } from "../../timers.ts";
import type { Reach } from "../../user/push-store.ts";
import { webhooks } from "../webhooks/index.ts";
import { fallback } from "./index.ts";
import { FALLBACK_PREVIEW_LENGTH } from "./notice.ts";

const WINDOW_SEC = 0.15;
const WINDOW_MS = WINDOW_SEC * 1000;
const WEBHOOKS = { WEBHOOK_URLS: "http://127.0.0.1:9/h", WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", WEBHOOK_RETRY_SCALE: "1000" };
const rooms = env as unknown as { Room: DurableObjectNamespace<Room> };

/** Timer rows in memory: `fire` runs one only when due, and deletes it unless the handler set it again. */
class StandInTimers implements FeatureTimers {
  rows = new Map<string, { due: number; payload: unknown; rev: number }>();
  private rev = 0;
  set(key: string, at: number, payload: unknown = null) {
    this.rows.set(key, { due: at, payload: structuredClone(payload), rev: ++this.rev });
  }
  clear(key: string) {
    this.rows.delete(key);
  }
  get(key: string) {
    const r = this.rows.get(key);
    return r ? { due: r.due, payload: structuredClone(r.payload) } : null;
  }
  /** Waits until the row is due, then runs it as the room's alarm would. */
  async fire(feature: RoomFeature, key: string) {
    const row = this.rows.get(key);
    if (!row) throw new Error(`no timer ${key}`);
    await sleep(Math.max(0, row.due - Date.now()) + 5);
    expect(Date.now()).toBeGreaterThanOrEqual(row.due);
    await feature.timer!(key, structuredClone(row.payload), 0);
    if (this.rows.get(key)?.rev === row.rev) this.rows.delete(key);
  }
}

interface Setup {
  feature: RoomFeature;
  timers: StandInTimers;
  notices: FallbackNotice[];
  members: MemberStore;
  /** Stores an entry and tells the feature, as the room does (its handler runs a turn later). */
  store(user: string, text: string, extra?: Partial<ChatMessage>): Promise<ChatMessage>;
  read(user: string, seq: number): void;
  looking: Set<string>;
  reach: Map<string, Reach>;
  /** When set, the user objects' answers wait for it. */
  gate: Promise<void> | null;
  /** How often the feature asked a user object. */
  asked(): number;
  /** The webhooks feature's outbox (it follows the same events), as `type` per row. */
  outbox(): { type: string; data: Record<string, unknown> }[];
}

/**
 * A room with members alice (the sender), bob and carol, and the fallback feature (and the webhooks
 * feature, which turns its notices into outbox rows) on the room's real SQLite.
 */
async function inRoom(
  name: string,
  fn: (s: Setup) => Promise<void>,
  opts: { pushOn?: boolean; env?: Record<string, string>; settings?: { title: string | null; url: string | null } } = {},
) {
  await runInDurableObject(rooms.Room.getByName(name), async (_room: Room, state) => {
    const sql = state.storage.sql;
    const messages = new MessageStore(sql);
    const members = new MemberStore(sql);
    for (const u of ["alice", "bob", "carol"]) members.upsert(u, `${u[0]!.toUpperCase()}${u.slice(1)}`, "member", Date.now());
    const timers = new StandInTimers();
    const notices: FallbackNotice[] = [];
    const looking = new Set<string>();
    const reach = new Map<string, Reach>();
    const features: RoomFeature[] = [];
    const settings = opts.settings ?? { title: "Order #42", url: "https://shop.example/orders/42" };
    const ctx = {
      room: name,
      env: { FALLBACK_AFTER: String(WINDOW_SEC), ...WEBHOOKS, ...opts.env },
      sql,
      members,
      settings: { get: () => settings },
      timers,
      connections: (user?: string) => (user !== undefined && looking.has(user) ? [{ state: { dropped: false } }] : []),
      emit: {
        fallback: (n: FallbackNotice) => {
          notices.push(n);
          for (const f of features) f.on?.fallback?.(n);
        },
      },
    } as unknown as RoomContext;
    let asked = 0;
    const directory = {
      reach: async (user: string) => {
        asked++;
        await setup.gate;
        return reach.get(user) ?? { muted: false, inboxOpen: false, devices: 0, url: null };
      },
    };
    const feature = fallback(ctx, messages, directory, opts.pushOn ?? true);
    const hooks = webhooks({ ...ctx, timers: new StandInTimers() } as RoomContext, messages);
    features.push(feature, hooks);
    const all = [feature, hooks];
    const setup: Setup = {
      gate: null,
      asked: () => asked,
      feature,
      timers,
      notices,
      members,
      looking,
      reach,
      async store(user, text, extra = {}) {
        const { duplicate: _, ...entry } = messages.append(
          { user, name: members.get(user)!.name, id: crypto.randomUUID(), kind: extra.kind ?? "text", text, data: extra.data },
          Date.now(),
        );
        for (const f of all) f.on?.stored?.([entry]);
        await sleep(1);
        return entry;
      },
      read(user, seq) {
        members.markRead(user, seq);
        for (const f of all) f.on?.read?.(user, seq);
      },
      outbox: () => (hooks as ReturnType<typeof webhooks>).outbox().map((r) => JSON.parse(r.body)),
    };
    await fn(setup);
  });
}

describe("notification.fallback", () => {
  it("fires once, a window after the entry, for a member with no subscription (not the sender, not someone looking)", async () => {
    await inRoom("fb-unsubscribed", async (s) => {
      s.looking.add("carol");
      const before = Date.now();
      const long = `${"x".repeat(200)}\n  and more`;
      const e = await s.store("alice", long);
      expect([...s.timers.rows.keys()]).toEqual(["f:bob"]);
      expect(s.timers.rows.get("f:bob")!.due).toBeGreaterThanOrEqual(before + WINDOW_MS);
      expect(s.notices).toEqual([]);
      await s.timers.fire(s.feature, "f:bob");
      expect(s.notices).toEqual([
        {
          user: "bob",
          title: "Order #42",
          sender: { user: "alice", name: "Alice" },
          preview: `${"x".repeat(FALLBACK_PREVIEW_LENGTH - 1)}…`,
          url: "https://shop.example/orders/42",
          reason: "no_subscription",
          entries: 1,
          seq: e.seq,
          kind: "text",
        },
      ]);
      expect(s.timers.rows.size).toBe(0);
      // The webhooks feature sent it as notification.fallback, next to the message's record.
      const fb = s.outbox().filter((b) => b.type === "notification.fallback");
      expect(fb).toHaveLength(1);
      expect(fb[0]!.data).toMatchObject({ user: "bob", room: "fb-unsubscribed", reason: "no_subscription", entries: 1, sender: { name: "Alice" } });
      expect(s.outbox().filter((b) => b.type === "message.created")).toHaveLength(1);
    });
  });

  it("fires when the pushed entries stay unread (reason unread), counting them and showing the newest", async () => {
    await inRoom(
      "fb-unread",
      async (s) => {
        s.reach.set("bob", { muted: false, inboxOpen: false, devices: 2, url: "https://shop.example/chat" });
        await s.store("alice", "first");
        const { due, rev } = s.timers.rows.get("f:bob")!;
        await s.store("alice", "second");
        const last = await s.store("carol", "third");
        // Later entries join the window without writing its row (nor pushing it back): the notice reads them back.
        expect(s.timers.rows.get("f:bob")).toMatchObject({ due, rev });
        await s.timers.fire(s.feature, "f:bob");
        const bob = s.notices.filter((n) => n.user === "bob");
        expect(bob).toHaveLength(1);
        // No room title: the sender's name; no room url: the subscription's page.
        expect(bob[0]).toMatchObject({
          reason: "unread",
          entries: 3,
          seq: last.seq,
          preview: "third",
          title: "Carol",
          sender: { user: "carol" },
          url: "https://shop.example/chat",
        });
      },
      { settings: { title: null, url: null } },
    );
  });

  it("never fires when the member read in time; a partial read gives the rest a window of its own", async () => {
    await inRoom("fb-read", async (s) => {
      const a = await s.store("alice", "one");
      const b = await s.store("alice", "two");
      const firstDue = s.timers.rows.get("f:bob")!.due;
      await sleep(20);
      s.read("bob", a.seq);
      const row = s.timers.rows.get("f:bob")!;
      expect(row.due).toBeGreaterThan(firstDue);
      expect(row.payload).toMatchObject({ firstSeq: a.seq + 1 });
      s.read("bob", b.seq);
      expect(s.timers.rows.has("f:bob")).toBe(false);
      // carol read both before her window ended: her timer fires and finds nothing to tell.
      s.members.markRead("carol", b.seq);
      await s.timers.fire(s.feature, "f:carol");
      expect(s.notices).toEqual([]);
    });
  });

  it("never twice in one window: an entry stored while a fallback goes starts the next window", async () => {
    await inRoom("fb-twice", async (s) => {
      s.looking.add("carol");
      await s.store("alice", "one");
      // The user object answers slowly; meanwhile alice writes again.
      let answer!: () => void;
      s.gate = new Promise<void>((r) => {
        answer = r;
      });
      const firing = s.timers.fire(s.feature, "f:bob");
      while (s.asked() === 0) await sleep(5);
      const firedAt = Date.now();
      const two = await s.store("alice", "two");
      answer();
      await firing;
      expect(s.notices).toHaveLength(1);
      expect(s.notices[0]!.seq).toBe(two.seq - 1);
      const next = s.timers.rows.get("f:bob");
      expect(next?.payload).toMatchObject({ firstSeq: two.seq, seq: two.seq });
      expect(next!.due).toBeGreaterThanOrEqual(firedAt + WINDOW_MS);
      await s.timers.fire(s.feature, "f:bob");
      expect(s.notices).toHaveLength(2);
      expect(s.notices[1]).toMatchObject({ user: "bob", seq: two.seq, entries: 2 });
    });
  });

  it("a missed call: the call.missed record and, unread, one fallback for the callee only; an answered call none", async () => {
    await inRoom("fb-call", async (s) => {
      const call = (id: string, outcome: string, durationMs = 0) =>
        s.store("alice", outcome === "missed" ? "Missed voice call" : "Voice call · 0:42", {
          kind: "call",
          data: { callId: id, kind: "audio", caller: { user: "alice", name: "Alice" }, callee: { user: "bob", name: "Bob" }, outcome, durationMs },
        });
      await call("c-answered", "hangup", 42_000);
      expect(s.timers.rows.size).toBe(0);
      const missed = await call("c-missed", "missed");
      // Only the callee: carol, another member, did not miss a call.
      expect([...s.timers.rows.keys()]).toEqual(["f:bob"]);
      await s.timers.fire(s.feature, "f:bob");
      expect(s.notices).toEqual([
        expect.objectContaining({ user: "bob", kind: "call", seq: missed.seq, preview: "Missed voice call", reason: "no_subscription" }),
      ]);
      const types = s.outbox().map((b) => b.type);
      expect(types.filter((t) => t === "call.missed")).toHaveLength(1);
      expect(types.filter((t) => t === "notification.fallback")).toHaveLength(1);
    });
  });

  it("none for a muted conversation, an open inbox, or a member looking when the window ends", async () => {
    await inRoom("fb-quiet", async (s) => {
      await s.store("alice", "hello");
      expect([...s.timers.rows.keys()].sort()).toEqual(["f:bob", "f:carol"]);
      s.reach.set("bob", { muted: true, inboxOpen: false, devices: 1, url: null });
      s.reach.set("carol", { muted: false, inboxOpen: true, devices: 0, url: null });
      await s.timers.fire(s.feature, "f:bob");
      await s.timers.fire(s.feature, "f:carol");
      expect(s.asked()).toBe(2);
      const again = await s.store("alice", "still there?");
      s.reach.clear();
      // bob came back (an open socket) before his second window ended: nothing for him.
      s.looking.add("bob");
      await s.timers.fire(s.feature, "f:bob");
      await s.timers.fire(s.feature, "f:carol");
      expect(s.timers.rows.size).toBe(0);
      expect(s.notices).toEqual([expect.objectContaining({ user: "carol", seq: again.seq, entries: 2 })]);
    });
  });

  it("with push off everyone not looking is no_subscription; with webhooks off nothing is scheduled", async () => {
    await inRoom(
      "fb-push-off",
      async (s) => {
        s.reach.set("bob", { muted: false, inboxOpen: false, devices: 3, url: "https://shop.example/p" });
        await s.store("alice", "hi");
        await s.timers.fire(s.feature, "f:bob");
        expect(s.notices[0]).toMatchObject({ user: "bob", reason: "no_subscription" });
      },
      { pushOn: false },
    );
    await inRoom(
      "fb-hooks-off",
      async (s) => {
        await s.store("alice", "hi");
        expect(s.timers.rows.size).toBe(0);
      },
      { env: { WEBHOOK_URLS: "" } },
    );
  });
});

describe("the user object's reach", () => {
  it("tells muted, inbox open and devices apart (push targets are [] for all three)", async () => {
    const user = "reach-user";
    const t = await token(user, ["reach-room"]);
    const pair = (await crypto.subtle.generateKey({ name: "ECDH", namedCurve: "P-256" }, true, ["deriveBits"])) as CryptoKeyPair;
    const b64 = (b: Uint8Array) =>
      btoa(String.fromCharCode(...b))
        .replace(/\+/g, "-")
        .replace(/\//g, "_")
        .replace(/=+$/, "");
    const raw = new Uint8Array((await crypto.subtle.exportKey("raw", pair.publicKey)) as ArrayBuffer);
    const subscription = {
      endpoint: `https://push.example.net/push/${crypto.randomUUID()}`,
      keys: { p256dh: b64(raw), auth: b64(crypto.getRandomValues(new Uint8Array(16))) },
    };
    const object = userObject(user);
    expect(await object.reach("reach-room")).toEqual({ muted: false, inboxOpen: false, devices: 0, url: null });
    const sub = await api("/api/push/subscribe", { method: "POST", key: t, body: JSON.stringify({ subscription, url: "https://h.example/page" }) });
    expect(sub.status).toBe(201);
    expect(await object.reach("reach-room")).toEqual({ muted: false, inboxOpen: false, devices: 1, url: "https://h.example/page" });
    expect((await api("/api/push/mutes/reach-room", { method: "PUT", key: t })).status).toBe(200);
    expect(await object.reach("reach-room")).toMatchObject({ muted: true, devices: 1 });
    expect(await object.reach("other-room")).toMatchObject({ muted: false });
    const inbox = await openInbox(user, await token(user, ["*"]));
    if (typeof inbox === "number") throw new Error(`inbox refused ${inbox}`);
    await inbox.until((c) => c.of("inbox").length > 0, "inbox page");
    expect(await object.reach("other-room")).toMatchObject({ inboxOpen: true, devices: 1 });
    expect(await object.pushTargets("other-room")).toEqual([]);
    inbox.close();
  });
});
