/**
 * A test-only feature, registered only when `INAPP_TALK_TEST_HOOKS=true` (never in wrangler.toml):
 * it lets tests set durable timers from outside and see which fired, so the timer guarantees can be
 * checked against a real `wrangler dev` killed and started again, where no test code runs inside
 * the room. A timer's payload `{ fail: n }` makes its first n runs throw.
 */
import type { RoomContext, RoomFeature } from "../../feature.ts";

export interface ProbeFired {
  key: string;
  /** When it ran successfully, Unix ms. */
  at: number;
  /** Failed runs before that one. */
  attempts: number;
  payload: unknown;
}

export interface Probe extends RoomFeature {
  set(key: string, at: number, payload: unknown): void;
  fired(): ProbeFired[];
}

const PREFIX = "probe:fired:";

export function probe(ctx: RoomContext): Probe {
  return {
    name: "probe",
    timer(key, payload, attempts) {
      const fail = typeof payload === "object" && payload !== null && "fail" in payload ? Number(payload.fail) : 0;
      if (attempts < fail) throw new Error(`probe ${key}: failing on purpose (${attempts + 1}/${fail})`);
      const fired: ProbeFired = { key, at: Date.now(), attempts, payload };
      ctx.sql.exec("INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", PREFIX + key, JSON.stringify(fired));
    },
    set: (key, at, payload) => ctx.timers.set(key, at, payload),
    fired: () =>
      ctx.sql
        .exec<{ value: string }>("SELECT value FROM meta WHERE key >= ? AND key < ? ORDER BY key", PREFIX, `${PREFIX}\uffff`)
        .toArray()
        .map((r) => JSON.parse(r.value) as ProbeFired),
  };
}
