import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { api, connect, roomStub, token } from "../../test/workerd/helpers.ts";
import { eventually, row } from "../../test/workerd/inbox.ts";
import type { Room } from "../room.ts";
import fixture from "./fixtures/v1-room.sql?raw";
import { MIGRATIONS, migrate } from "./index.ts";

const ROOM = "fixture-room";
const statements = (sql: string) =>
  sql
    .split("\n")
    .filter((line) => !line.startsWith("--"))
    .join("\n")
    .split(/;\n/)
    .map((s) => s.trim())
    .filter(Boolean);

/** What the v1 code's API answered for the fixture room just before it was dumped. */
const V1_MESSAGES = [
  { seq: 1, id: "fixture-msg-0", user: "buyer", name: "Bo 구매자", text: "Is the bike still available?", ts: 1796163216262 },
  { seq: 2, id: "fixture-msg-1", user: "seller", name: "Sam Seller", text: "Yes! 🚲 <b>not bold</b>", ts: 1796163216364 },
  { seq: 3, id: "fixture-msg-2", user: "buyer", name: "Bo 구매자", text: "Can you do 90,000원?", ts: 1796163216466 },
  { seq: 4, id: "fixture-msg-3", user: "seller", name: "Sam Seller", text: '멀티\nline\ttext with "quotes" and emoji 😀', ts: 1796163216574 },
  { seq: 5, id: "fixture-msg-4", user: "buyer", name: "Bo 구매자", text: "Deal.", ts: 1796163216701 },
];
const V1_ROOM = {
  room: ROOM,
  title: "Bike #42 — 자전거",
  url: "https://shop.example/items/42",
  metadata: { order: 42, tags: ["a", "b"] },
  read_only: false,
  members_only: true,
  max_members: 10,
  created_at: 1796163214654,
  last_seq: 5,
  members: [
    { user: "buyer", name: "Bo 구매자", role: "member", joined_at: 1796163214654, last_read: 4 },
    { user: "seller", name: "Sam Seller", role: "member", joined_at: 1796163214654, last_read: 5 },
    { user: "mod", name: "Moderator", role: "moderator", joined_at: 1796163215259, last_read: 0 },
  ],
};

describe("schema migrations", () => {
  it("upgrades a room made by the code before migrations, keeping every message, member, read position and setting", async () => {
    // Replace this room's database with the v1 one, as if the room had been created by the old code.
    await runInDurableObject(roomStub(ROOM), (_room: Room, state) => {
      const sql = state.storage.sql;
      const tables = sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'")
        .toArray();
      for (const { name } of tables) sql.exec(`DROP TABLE "${name}"`);
      for (const statement of statements(fixture)) sql.exec(statement);
    });
    // The next start of the object migrates it.
    await abortAllDurableObjects();

    const info = await (await api(`/api/rooms/${ROOM}`)).json();
    expect(info).toEqual(V1_ROOM);
    const transcript = (await (await api(`/api/rooms/${ROOM}/messages`)).json()) as { messages: unknown[] };
    expect(transcript.messages).toEqual(V1_MESSAGES.map((m) => ({ ...m, kind: "text" })));

    const version = await runInDurableObject(
      roomStub(ROOM),
      (_room: Room, state) => state.storage.sql.exec<{ v: number }>("SELECT MAX(version) AS v FROM schema_migrations").one().v,
    );
    expect(version).toBe(MIGRATIONS.at(-1)!.version);

    // Members-only still holds, members still get in and see the same history; new writes work.
    expect(await connect(ROOM, await token("stranger", [ROOM]))).toBe(403);
    const buyer = await connect(ROOM, await token("buyer", [ROOM], { name: "Bo 구매자" }));
    if (typeof buyer === "number") throw new Error(`buyer refused: ${buyer}`);
    const history = await buyer.next("history");
    expect(history.messages).toEqual(V1_MESSAGES.map((m) => ({ ...m, kind: "text" })));
    expect((await buyer.next("reads")).reads).toEqual(
      expect.arrayContaining([
        { user: "buyer", name: "Bo 구매자", seq: 4 },
        { user: "seller", name: "Sam Seller", seq: 5 },
      ]),
    );
    // Backfill (migration 5): the room pushed its state to every member's inbox on its first wake.
    const modRow = await eventually(() => row("mod", ROOM), Boolean, "backfilled row");
    expect(modRow).toMatchObject({ title: V1_ROOM.title, unread: 5, last_read: 0, last: { seq: 5, user: "buyer", text: "Deal." } });
    expect(await eventually(() => row("buyer", ROOM), Boolean, "buyer row")).toMatchObject({ unread: 0, last_read: 4 });
    expect(await eventually(() => row("seller", ROOM), Boolean, "seller row")).toMatchObject({ unread: 0, last_read: 5 });

    buyer.send({ type: "send", id: "after-upgrade", text: "still works" });
    expect(await buyer.next("ack")).toMatchObject({ seq: 6 });
    buyer.close();
  });

  it("applies each migration once, in order, and rolls a failing one back whole", async () => {
    const result = await runInDurableObject(roomStub("m-atomic"), (_room: Room, state) => {
      const before = migrate(state.storage);
      const broken = [...MIGRATIONS, { version: 99, name: "broken", statements: ["CREATE TABLE half_done (x INTEGER)", "THIS IS NOT SQL"] }];
      let error = "";
      try {
        migrate(state.storage, broken);
      } catch (err) {
        error = String(err);
      }
      const tables = state.storage.sql.exec<{ name: string }>("SELECT name FROM sqlite_master WHERE name = 'half_done'").toArray();
      const after = migrate(state.storage);
      return { before, error, tables: tables.length, after };
    });
    expect(result.before).toBe(MIGRATIONS.at(-1)!.version);
    expect(result.error).not.toBe("");
    expect(result.tables).toBe(0);
    expect(result.after).toBe(result.before);
  });

  it("on an up-to-date database (every wake) runs read-only statements only: no commit before the first event", async () => {
    const seen = await runInDurableObject(roomStub("m-wake"), (_room: Room, state) => {
      const statements: string[] = [];
      const sql = state.storage.sql;
      // SQLite's own verdict per statement is not exposed; a statement that is not a SELECT is what would write.
      const recording = {
        sql: {
          exec: (q: string, ...args: unknown[]) => {
            statements.push(q);
            return sql.exec(q, ...args);
          },
        } as SqlStorage,
        transactionSync: state.storage.transactionSync.bind(state.storage),
      };
      const version = migrate(recording);
      return { version, statements };
    });
    expect(seen.version).toBe(MIGRATIONS.at(-1)!.version);
    expect(seen.statements.length).toBeGreaterThan(0);
    for (const q of seen.statements) expect(q.trimStart().toUpperCase().startsWith("SELECT")).toBe(true);
  });

  it("creates its bookkeeping table and applies everything on an empty database", async () => {
    const result = await runInDurableObject(roomStub("m-empty"), (_room: Room, state) => {
      const sql = state.storage.sql;
      for (const { name } of sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'")
        .toArray())
        sql.exec(`DROP TABLE "${name}"`);
      return { version: migrate(state.storage), rows: sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM schema_migrations").one().n };
    });
    expect(result).toEqual({ version: MIGRATIONS.at(-1)!.version, rows: MIGRATIONS.length });
  });
});
