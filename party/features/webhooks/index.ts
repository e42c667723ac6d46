/**
 * Webhooks: every stored entry, call and membership change becomes a signed Standard Webhooks
 * delivery to each WEBHOOK_URLS endpoint, at least once, from this room's durable outbox.
 *
 * Off the ack path: the `stored` handler runs after the ack and broadcast were sent and only writes
 * outbox rows (membership and call changes: in the same transaction as the change; chat entries: one commit later,
 * covered by the outbox's seq watermark, see catchUp);
 * HTTP happens in a later turn, never awaited by a socket's frame nor by the room's alarm (a 15 s
 * endpoint must not hold up a ring timeout). One durable timer ("pump") is armed at the earliest due
 * row; an attempt writes nothing before it is sent (so no disk sync gates its fetch) and stays due
 * until it ends, so a process that dies mid-attempt sends it again after the restart (at least once).
 * What fails for good goes to the deployment's log (party/webhook-log.ts).
 */
import type { ChatMessage } from "../../../protocol/index.ts";
import type { RoomContext, RoomFeature } from "../../feature.ts";
import type { MessageStore } from "../../messages-store.ts";
import { attemptDelivery, type AttemptResult } from "../../webhooks/attempt.ts";
import { webhookConfig } from "../../webhooks/config.ts";
import { callEnded, callStarted, memberEvent, messageCreated, notificationFallback, payload, type WebhookEvent } from "../../webhooks/events.ts";
import { WEBHOOK_LOG_NAME } from "../../webhooks/log-contract.ts";
import { nextDelay } from "../../webhooks/schedule.ts";
import { newMessageId, signingKey } from "../../webhooks/signing.ts";
import { MemberMirror, type MemberChange } from "./members-mirror.ts";
import { Outbox } from "./outbox.ts";

const PUMP = "pump";
/** Attempts one room keeps in flight at once. */
const MAX_IN_FLIGHT = 32;
/** A new row is sent at once from memory; the durable timer is the fallback if that turn never comes. */
const SAFETY_MS = 2_000;
/** Added to the response timeout: while attempts are in flight the timer stays armed this close, in case the process dies mid-attempt. */
const LEASE_GRACE_MS = 5_000;
/** How soon a failed report to the log is tried again, and how many failures one report carries. */
const REPORT_RETRY_MS = 5_000;
const REPORT_BATCH = 100;

export interface Webhooks extends RoomFeature {
  /** For tests and diagnostics: the outbox rows. */
  outbox(): ReturnType<Outbox["list"]>;
}

export function webhooks(ctx: RoomContext, messages: MessageStore): Webhooks {
  const config = webhookConfig(ctx.env, (problem) => console.error(problem));
  const outbox = new Outbox(ctx.sql);
  const mirror = new MemberMirror(ctx.sql);
  const key = config ? signingKey(config.secret) : null;
  const inFlight = new Set<string>();
  let kicked = false;
  let caughtUp = false;
  let reporting = false;
  /** When the pump timer is due as far as this instance knows (undefined: not read since waking). */
  let armedAt: number | null | undefined;

  function enqueue(events: readonly WebhookEvent[], expiresAt: number | null = null) {
    if (!config || events.length === 0) return;
    const now = Date.now();
    for (const event of events) {
      const body = payload(event, now);
      for (const url of config.urls) outbox.add(newMessageId(), url, event.type, body, now, expiresAt);
    }
    outbox.trim(config.outboxMax, now);
    armAtMost(now + SAFETY_MS);
    kick();
  }

  function armAtMost(at: number) {
    armedAt ??= ctx.timers.get(PUMP)?.due ?? null;
    if (armedAt === null || armedAt > at) {
      ctx.timers.set(PUMP, at);
      armedAt = at;
    }
  }

  /**
   * Keeps the timer at or before the earliest work left: rows due (not in flight), a report to retry,
   * and — while attempts are in flight — their timeout plus a grace, so a process that dies mid-attempt
   * sends again after a restart. Between alarms it only moves earlier (a timer write gates the next
   * fetch behind a disk sync; firing early costs one empty pump) and is cleared when nothing is left.
   */
  function arm() {
    const now = Date.now();
    const candidates = [
      // With every slot taken, rows already due wait for a completion (which kicks the pump); arming
      // the alarm for them would fire it again and again while the backlog lasts.
      inFlight.size >= MAX_IN_FLIGHT ? null : outbox.nextDue(inFlight),
      outbox.hasFailed() ? now + REPORT_RETRY_MS : null,
      inFlight.size > 0 ? now + config!.timeoutMs + LEASE_GRACE_MS : null,
    ].filter((t): t is number => t !== null);
    if (candidates.length === 0) {
      if (armedAt !== null) ctx.timers.clear(PUMP);
      armedAt = null;
      return;
    }
    const next = Math.min(...candidates);
    if (armedAt === null || armedAt === undefined || next < armedAt) {
      ctx.timers.set(PUMP, next);
      armedAt = next;
    }
  }

  /** Runs the pump in a later turn, once for everything that became due in this one. */
  function kick() {
    if (kicked) return;
    kicked = true;
    setTimeout(() => {
      kicked = false;
      pump();
    }, 0);
  }

  function pump() {
    if (!config) return;
    const now = Date.now();
    report();
    // Rows in flight are still due (an attempt writes nothing before it is sent): due() skips them.
    for (const row of outbox.due(now, inFlight, MAX_IN_FLIGHT - inFlight.size)) {
      if (row.expiresAt !== null && row.expiresAt <= now) {
        // An event about a ringing call is worth nothing once the ring is over.
        outbox.remove(row.id);
        continue;
      }
      inFlight.add(row.id);
      // Only throws when the object is going away mid-attempt: the row is still due and goes after the restart.
      send(row.id, row.url, row.body, row.attempts + 1, row.expiresAt).catch(() => {});
    }
    arm();
  }

  async function send(id: string, url: string, body: string, attempts: number, expiresAt: number | null) {
    let result: AttemptResult;
    try {
      result = await attemptDelivery(url, await key!, id, body, config!.timeoutMs);
    } catch (err) {
      result = { ok: false, gone: false, status: null, error: String(err), retryAfterMs: null };
    }
    inFlight.delete(id);
    const now = Date.now();
    if (result.ok) outbox.remove(id);
    else if (result.gone) outbox.fail(id, attempts, result.error, now);
    else {
      const delay = nextDelay(attempts, config!.scale, result.retryAfterMs);
      if (delay === null) outbox.fail(id, attempts, `${result.error} (after ${attempts} attempts)`, now);
      else if (expiresAt !== null && now + delay >= expiresAt) outbox.remove(id);
      else outbox.retry(id, attempts, result.error, now + delay);
    }
    kick();
  }

  /** Hands failures to the deployment's log, in batches; they leave the room once it has them. */
  function report() {
    if (reporting) return;
    const batch = outbox.failedBatch(ctx.room, REPORT_BATCH);
    if (batch.length === 0) return;
    const log = ctx.env.WebhookLog;
    if (!log) {
      console.error(`webhooks: ${batch.length} failed deliveries and no WebhookLog binding to record them; dropped`);
      outbox.forget(batch.map((r) => r.id));
      return;
    }
    reporting = true;
    log
      .getByName(WEBHOOK_LOG_NAME)
      .failed(batch)
      .then(
        () => {
          outbox.forget(batch.map((r) => r.id));
          kick();
        },
        (err: unknown) => console.error("webhooks: the log did not take failed deliveries; retrying", err),
      )
      .finally(() => {
        reporting = false;
      });
  }

  const watermark = () => ctx.sql.exec<{ value: number }>("SELECT value FROM webhook_state WHERE key = 'seq'").toArray()[0]?.value ?? null;
  const setWatermark = (seq: number) =>
    ctx.sql.exec("INSERT INTO webhook_state (key, value) VALUES ('seq', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", seq);
  // Off: forget the mark, so turning webhooks on later starts from then instead of replaying the history in between.
  if (!config && watermark() !== null) ctx.sql.exec("DELETE FROM webhook_state WHERE key = 'seq'");

  const entryEvents = (room: string, entries: readonly ChatMessage[]) => entries.flatMap((m) => [messageCreated(room, m), ...callEnded(room, m)]);

  /**
   * Chat commits an entry and acks it before `stored` runs, so the entry and its outbox rows are two
   * commits: a crash between them would lose the events. The outbox keeps the last seq it took; on
   * the first event or join after waking, entries stored after it (and before `next`) are enqueued.
   */
  function catchUp(next: number) {
    if (!config || caughtUp) return;
    caughtUp = true;
    const mark = watermark();
    if (mark === null || mark >= next - 1) return;
    const missed = messages.after(mark, config.outboxMax).messages.filter((m) => m.seq < next);
    if (missed.length === 0) return;
    console.error(`webhooks: ${missed.length} entries were stored but not queued (a restart between the two commits); queueing them now`);
    enqueue(entryEvents(ctx.room, missed));
  }

  const members = (changes: readonly MemberChange[], by: "host" | "self") => enqueue(changes.map((c) => memberEvent(c.type, ctx.room, c.user, c.name, by)));

  return {
    name: "webhooks",

    /** A first join creates the membership (the room upserted it just before this hook); a later one may rename. */
    join(_conn, identity) {
      catchUp(messages.lastSeq + 1);
      const change = mirror.one(identity.user, ctx.members.get(identity.user));
      if (change) members([change], "self");
    },

    on: {
      stored(entries) {
        if (!config || entries.length === 0) return;
        catchUp(entries[0]!.seq);
        enqueue(entryEvents(ctx.room, entries));
        setWatermark(entries.at(-1)!.seq);
      },
      ringing(call, until) {
        enqueue([callStarted(ctx.room, call, until, Date.now())], until);
      },
      fallback(notice) {
        enqueue([notificationFallback(ctx.room, notice)]);
      },
      changed(what, user, by = "host") {
        if (what !== "members") return;
        if (user === undefined) members(mirror.all(ctx.members.list()), "host");
        else {
          const change = mirror.one(user, ctx.members.get(user));
          if (change) members([change], by);
        }
      },
    },

    timer() {
      // The timer row is deleted after this returns unless it is set again: arm() must write it.
      armedAt = undefined;
      if (!config) return void ctx.timers.clear(PUMP);
      pump();
    },

    outbox: () => outbox.list(),
  };
}
