// The room side of webhooks in workerd, on a real room's SQLite (migration 6): the outbox's lifecycle
// and bound, the membership mirror that turns changes into member.* events, and the deployment's log
// with the deliveries API over it. Delivery over HTTP is tested against a real receiver in
// test/browser/webhooks.e2e.ts.
import { runInDurableObject } from "cloudflare:test";
import { describe, expect, it, vi } from "vitest";
import { api, env } from "../../../test/workerd/helpers.ts";
import type { RoomContext } from "../../feature.ts";
import { MemberStore } from "../../members-store.ts";
import { MessageStore } from "../../messages-store.ts";
import type { Room } from "../../room.ts";
import { Timers } from "../../timers.ts";
import { LOG_MAX, type WebhookLog } from "../../webhook-log.ts";
import type { FailedDelivery } from "../../webhooks/log-contract.ts";
import { webhooks } from "./index.ts";
import { MemberMirror } from "./members-mirror.ts";
import { Outbox } from "./outbox.ts";

const bindings = env as unknown as { Room: DurableObjectNamespace<Room>; WebhookLog: DurableObjectNamespace<WebhookLog> };
const inRoom = <T>(room: string, fn: (sql: SqlStorage) => T) => runInDurableObject(bindings.Room.getByName(room), (_r: Room, state) => fn(state.storage.sql));

describe("outbox", () => {
  it("holds rows until delivered, counts attempts, and moves the oldest to failed when full", async () => {
    const rows = await inRoom("wh-outbox", (sql) => {
      const box = new Outbox(sql);
      for (let i = 1; i <= 5; i++) box.add(`msg_${i}`, "https://h.example/a", "message.created", `{"i":${i}}`, 1000 + i, null);
      expect(box.trim(3, 2000)).toBe(2);
      expect(box.trim(3, 2000)).toBe(0);
      const due = box.due(1010, new Set(), 10).map((r) => r.id);
      const notBusy = box.due(1010, new Set(["msg_3"]), 1).map((r) => r.id);
      box.retry("msg_3", 1, "HTTP 502", 50_000);
      box.retry("msg_4", 1, "HTTP 500", 9_000);
      box.remove("msg_5");
      return {
        due,
        next: box.nextDue(new Set()),
        nextNotBusy: box.nextDue(new Set(["msg_4"])),
        dueAfter: box.due(1010, new Set(), 10).map((r) => r.id),
        notBusy,
        failed: box.failedBatch("wh-outbox", 10),
        list: box.list().map((r) => [r.id, r.status, r.attempts]),
      };
    });
    expect(rows.due).toEqual(["msg_3", "msg_4", "msg_5"]);
    expect(rows.dueAfter).toEqual([]);
    expect(rows.notBusy).toEqual(["msg_4"]);
    expect(rows.next).toBe(9_000);
    expect(rows.nextNotBusy).toBe(50_000);
    expect(rows.failed.map((f) => f.id)).toEqual(["msg_1", "msg_2"]);
    expect(rows.failed[0]).toMatchObject({ room: "wh-outbox", url: "https://h.example/a", body: '{"i":1}', failedAt: 2000 });
    expect(rows.failed[0]!.lastError).toContain("outbox full (3 undelivered");
    expect(rows.list).toEqual([
      ["msg_1", "failed", 0],
      ["msg_2", "failed", 0],
      ["msg_3", "pending", 1],
      ["msg_4", "pending", 1],
    ]);
    // A restart counts the pending rows again from the table.
    const after = await inRoom("wh-outbox", (sql) => {
      const box = new Outbox(sql);
      box.add("msg_6", "https://h.example/a", "message.created", "{}", 3000, null);
      const moved = box.trim(2, 3000);
      box.forget(["msg_1", "msg_2"]);
      return { moved, left: box.list().map((r) => [r.id, r.status]) };
    });
    expect(after.moved).toBe(1);
    expect(after.left).toEqual([
      ["msg_3", "failed"],
      ["msg_4", "pending"],
      ["msg_6", "pending"],
    ]);
  });
});

describe("membership mirror", () => {
  it("is kept while webhooks are off, so turning them on later does not replay the past", async () => {
    const room = "wh-mirror";
    expect((await api(`/api/rooms/${room}/members/ann`, { method: "PUT", body: JSON.stringify({ name: "Ann" }) })).status).toBe(200);
    expect((await api(`/api/rooms/${room}`, { method: "PUT", body: JSON.stringify({ members: [{ user: "ben", name: "Ben" }] }) })).status).toBe(200);
    expect((await api(`/api/rooms/${room}/members/ann`, { method: "DELETE" })).status).toBe(204);
    const mirrored = await inRoom(room, (sql) => sql.exec("SELECT user, name FROM webhook_members ORDER BY user").toArray());
    expect(mirrored).toEqual([{ user: "ben", name: "Ben" }]);
  });

  it("turns any change into exactly the events that happened", async () => {
    const changes = await inRoom("wh-mirror-2", (sql) => {
      const mirror = new MemberMirror(sql);
      return {
        first: mirror.one("a", { name: "A" }),
        again: mirror.one("a", { name: "A" }),
        renamed: mirror.one("a", { name: "A2" }),
        bulk: mirror.all([
          { user: "b", name: "B" },
          { user: "c", name: "C" },
        ]),
        gone: mirror.one("b", null),
        notThere: mirror.one("zz", null),
      };
    });
    expect(changes.first).toEqual({ type: "member.joined", user: "a", name: "A" });
    expect(changes.again).toBeNull();
    expect(changes.renamed).toBeNull();
    expect(changes.bulk).toEqual([
      { type: "member.joined", user: "b", name: "B" },
      { type: "member.joined", user: "c", name: "C" },
      { type: "member.removed", user: "a", name: "A2" },
    ]);
    expect(changes.gone).toEqual({ type: "member.removed", user: "b", name: "B" });
    expect(changes.notThere).toBeNull();
  });
});

const failure = (i: number, room = "r1"): FailedDelivery => ({
  id: `msg_${i.toString(16).padStart(32, "0")}`,
  room,
  url: "https://h.example/a",
  type: "message.created",
  body: JSON.stringify({ type: "message.created", timestamp: "2026-01-01T00:00:00.000Z", data: { room, seq: i } }),
  attempts: 8,
  lastError: "HTTP 500",
  createdAt: 1000 + i,
  failedAt: 2000 + i,
});

describe("the deployment's webhook log and the deliveries API", () => {
  it("records failures once, lists them newest first with a cursor, and keeps the newest LOG_MAX", async () => {
    const log = bindings.WebhookLog.getByName("log-test");
    await log.failed([failure(1), failure(2), failure(3)]);
    await log.failed([failure(2)]);
    const page1 = await log.list("failed", 2, null);
    expect(page1.map((d) => d.id)).toEqual([failure(3).id, failure(2).id]);
    const page2 = await log.list("failed", 2, page1.at(-1)!.n);
    expect(page2.map((d) => d.id)).toEqual([failure(1).id]);
    const replayed = await log.replayed(failure(2).id, { ok: true }, 5000);
    expect(replayed).toMatchObject({ status: "delivered", attempts: 9, updatedAt: 5000 });
    expect((await log.list("failed", 10, null)).map((d) => d.id)).toEqual([failure(3).id, failure(1).id]);
    expect((await log.replayed(failure(1).id, { ok: false, error: "HTTP 503" }, 6000))?.lastError).toBe("HTTP 503");

    await log.failed(Array.from({ length: LOG_MAX }, (_, i) => failure(100 + i)));
    const all = await log.list(null, 1, null);
    expect(all[0]!.id).toBe(failure(100 + LOG_MAX - 1).id);
    expect(await log.get(failure(3).id)).toBeNull();
    expect(await log.get(failure(100).id)).not.toBeNull();
  });

  it("GET /api/webhooks/deliveries needs the key, validates, and pages; retry answers 404 without config", async () => {
    const log = bindings.WebhookLog.getByName("deployment");
    await log.failed([failure(1, "api-room"), failure(2, "api-room")]);
    expect((await api("/api/webhooks/deliveries?status=failed", { key: null })).status).toBe(401);
    expect((await api("/api/webhooks/deliveries?status=nope")).status).toBe(400);
    expect((await api("/api/webhooks/deliveries?limit=0")).status).toBe(400);
    const res = await api("/api/webhooks/deliveries?status=failed&limit=1");
    expect(res.status).toBe(200);
    const body = (await res.json()) as { deliveries: Record<string, unknown>[]; next_before: number | null };
    expect(body.deliveries).toEqual([
      {
        id: failure(2).id,
        status: "failed",
        type: "message.created",
        room: "api-room",
        url: "https://h.example/a",
        attempts: 8,
        last_error: "HTTP 500",
        created_at: 1002,
        failed_at: 2002,
        updated_at: expect.any(Number),
        payload: JSON.parse(failure(2, "api-room").body),
      },
    ]);
    const next = (await (await api(`/api/webhooks/deliveries?status=failed&limit=1&before=${body.next_before}`)).json()) as typeof body;
    expect(next.deliveries.map((d) => d.id)).toEqual([failure(1).id]);
    expect((await api(`/api/webhooks/deliveries/${failure(1).id}/retry`, { method: "POST" })).status).toBe(404);
    expect((await api("/api/webhooks/deliveries/msg_unknown/retry", { method: "POST" })).status).toBe(404);
  });
});

describe("entry events stream from the history", () => {
  const URL = "http://127.0.0.1:9/h";
  it("sends the entries after the stored cursor after a restart, under ids that a resend repeats", async () => {
    const result = await runInDurableObject(bindings.Room.getByName("wh-stream"), async (_r: Room, state) => {
      const sql = state.storage.sql;
      const messages = new MessageStore(sql);
      const entry = (i: number) => messages.append({ user: "u", name: "U", id: `entry-000${i}`, kind: "text", text: `t${i}` }, 1000 + i);
      const e1 = entry(1);
      // The outbox-only version took entry 1 (its mark); entries 2 and 3 were committed, then the process died.
      sql.exec("INSERT INTO webhook_state (key, value) VALUES ('seq', ?)", e1.seq);
      entry(2);
      entry(3);
      const ctx = {
        room: "wh-stream",
        // A port nobody listens on and a slow schedule: each first attempt fails and the event stays in the outbox.
        env: { WEBHOOK_URLS: URL, WEBHOOK_SECRET: "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", WEBHOOK_RETRY_SCALE: "1000" },
        sql,
        members: new MemberStore(sql),
        timers: new Timers(sql, state.storage).scoped("webhooks"),
      } as unknown as RoomContext;
      const rows = (feature: ReturnType<typeof webhooks>) =>
        feature
          .outbox()
          .map((r) => ({ id: r.id, entry: JSON.parse(r.body).data.id as string, attempts: r.attempts, status: r.status }))
          .sort((a, b) => a.entry.localeCompare(b.entry));
      const first = webhooks(ctx, messages);
      first.on!.stored!([entry(4)]);
      const afterStored = sql.exec<{ key: string; value: number }>("SELECT key, value FROM webhook_state ORDER BY key").toArray();
      await vi.waitFor(() => expect(first.cursors()[0]!.cursor).toBe(4), { timeout: 5000 });
      const before = rows(first);
      // A restart that lost the moved cursor: the stored one still says 1.
      sql.exec("UPDATE webhook_state SET value = 1 WHERE key = ?", `c:${URL}`);
      const second = webhooks(ctx, messages);
      second.on!.stored!([entry(5)]);
      await vi.waitFor(() => expect(second.cursors()[0]!.cursor).toBe(5), { timeout: 5000 });
      return { afterStored, before, after: rows(second), cursors: second.cursors() };
    });
    // The first commit wrote the cursor in the endpoint's own key and dropped the old mark.
    expect(result.afterStored).toEqual([{ key: `c:${URL}`, value: 1 }]);
    expect(result.before.map((r) => r.entry)).toEqual(["entry-0002", "entry-0003", "entry-0004"]);
    expect(result.before.every((r) => r.attempts === 1 && r.status === "pending" && /^msg_[0-9a-f]{24}_\d+$/.test(r.id))).toBe(true);
    // Sent again after the "restart": the same ids, each once in the outbox; the new entry joins them.
    expect(result.after.slice(0, 3)).toEqual(result.before);
    expect(result.after.map((r) => r.entry)).toEqual(["entry-0002", "entry-0003", "entry-0004", "entry-0005"]);
    expect(result.cursors).toEqual([{ url: URL, cursor: 5, persisted: 1 }]);
  });
});
