// The user's object gains push tables (user schema v4) without losing what a v2 object kept.
import { abortAllDurableObjects, runInDurableObject } from "cloudflare:test";
import { describe, expect, it } from "vitest";
import { env } from "../../test/workerd/helpers.ts";
import { migrate } from "../migrations/index.ts";
import { USER_MIGRATIONS, type User } from "../user.ts";
import { MAX_SUBSCRIPTIONS } from "./push-store.ts";

const users = () => (env as unknown as { User: DurableObjectNamespace<User> }).User;
const device = (n: number) => ({ endpoint: `https://push.example.net/p/${n}`, keys: { p256dh: `k${n}`, auth: `a${n}` }, url: "https://h.example/" });

describe("user schema v4: push subscriptions and mutes", () => {
  it("upgrades an object made before push, keeping its revocation and rooms", async () => {
    const before = users().getByName("pre-push-user");
    await runInDurableObject(before, (_user: User, state) => {
      const sql = state.storage.sql;
      const tables = sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'")
        .toArray();
      for (const { name } of tables) sql.exec(`DROP TABLE "${name}"`);
      // The schema as the code before push left it (versions 1 and 2), with data in it.
      expect(
        migrate(
          state.storage,
          USER_MIGRATIONS.filter((m) => m.version <= 2),
        ),
      ).toBe(2);
      sql.exec("INSERT INTO settings (key, value) VALUES ('revoked_before', 2000000000)");
      sql.exec("INSERT INTO rooms (room, first_seen) VALUES ('r-old', 1)");
    });
    await abortAllDurableObjects();
    // A stub does not outlive the object it reached: take a new one.
    const stub = users().getByName("pre-push-user");
    expect(await stub.revoked(1999999999)).toBe(true);
    expect((await stub.revoke(0)).rooms).toEqual(["r-old"]);
    expect(await stub.pushSubscribe(device(1))).toBe(1);
    expect(await stub.pushTargets("r-old")).toEqual([device(1)]);
    await runInDurableObject(stub, (_user: User, state) => {
      const versions = state.storage.sql.exec<{ version: number }>("SELECT version FROM schema_migrations ORDER BY version").toArray();
      expect(versions.map((v) => v.version)).toEqual(USER_MIGRATIONS.map((m) => m.version));
    });
  });

  it(`keeps at most ${MAX_SUBSCRIPTIONS} devices, dropping the least recently updated`, async () => {
    const stub = users().getByName("many-devices-user");
    for (let n = 0; n < MAX_SUBSCRIPTIONS + 3; n++) {
      await stub.pushSubscribe(device(n));
      // updated_at has millisecond resolution: keep the order unambiguous.
      await new Promise((r) => setTimeout(r, 2));
    }
    let kept = (await stub.pushTargets("any")).map((d) => d.endpoint);
    expect(kept).toHaveLength(MAX_SUBSCRIPTIONS);
    for (const n of [0, 1, 2]) expect(kept).not.toContain(device(n).endpoint);
    // Re-subscribing the oldest kept device makes it recent: the next new one pushes out the one after it.
    await stub.pushSubscribe(device(3));
    await new Promise((r) => setTimeout(r, 2));
    await stub.pushSubscribe(device(99));
    kept = (await stub.pushTargets("any")).map((d) => d.endpoint);
    expect(kept).toHaveLength(MAX_SUBSCRIPTIONS);
    expect(kept.slice(0, 2)).toEqual([device(99).endpoint, device(3).endpoint]);
    expect(kept).not.toContain(device(4).endpoint);
  });
});

describe("user schema v5: each device's language", () => {
  it("upgrades a v4 object: its devices stay (English), a re-subscribe sets the language and a later one without it clears it", async () => {
    const name = "pre-lang-user";
    await runInDurableObject(users().getByName(name), (_user: User, state) => {
      const sql = state.storage.sql;
      const tables = sql
        .exec<{ name: string }>("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE '\\_%' ESCAPE '\\' AND name NOT LIKE 'sqlite%'")
        .toArray();
      for (const { name: t } of tables) sql.exec(`DROP TABLE "${t}"`);
      expect(
        migrate(
          state.storage,
          USER_MIGRATIONS.filter((m) => m.version <= 4),
        ),
      ).toBe(4);
      sql.exec("INSERT INTO push_subscriptions (endpoint, p256dh, auth, url, updated_at) VALUES (?, 'k1', 'a1', 'https://h.example/', 1)", device(1).endpoint);
      sql.exec("INSERT INTO push_mutes (room, at) VALUES ('muted-room', 1)");
    });
    await abortAllDurableObjects();
    const stub = users().getByName(name);
    expect(await stub.pushTargets("r")).toEqual([device(1)]);
    expect(await stub.pushMuted("muted-room")).toBe(true);
    await stub.pushSubscribe({ ...device(1), lang: "ko" });
    await stub.pushSubscribe({ ...device(2), lang: "en" });
    expect(await stub.pushTargets("r")).toEqual(
      expect.arrayContaining([
        { ...device(1), lang: "ko" },
        { ...device(2), lang: "en" },
      ]),
    );
    await stub.pushSubscribe(device(1));
    expect((await stub.pushTargets("r")).find((d) => d.endpoint === device(1).endpoint)).toEqual(device(1));
  });
});
