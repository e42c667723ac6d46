/**
 * Webhooks: every stored entry, call and membership change becomes a signed Standard Webhooks
 * delivery to each WEBHOOK_URLS endpoint, at least once.
 *
 * Entry events (message.created, call.ended, call.missed) stream from the history: each endpoint
 * keeps a cursor (stream.ts), so a chat commit carries no event bodies and a delivery that succeeds
 * writes nothing. Other events (membership, call.started, notification.fallback) and any entry event
 * whose first attempt failed live in the durable outbox (outbox.ts) until delivered, retried on the
 * Standard Webhooks schedule.
 *
 * Off the ack path: HTTP happens in a later turn, never awaited by a socket's frame nor by the room's
 * alarm (a 15 s endpoint must not hold up a ring timeout). One durable timer ("pump") is armed at the
 * earliest due row, and while a stream is behind, so a process that dies mid-attempt sends again after
 * the restart (at least once). An attempt writes nothing before it is sent (a write would gate its
 * fetch behind a disk sync). What fails for good goes to the deployment's log (party/webhook-log.ts).
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
import { EntryStream, entryEventId, entryIdPrefix, RecentEntries } from "./stream.ts";

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

/** How long a stream's moved cursor may wait for a commit the room makes anyway before it is written on its own. */
const CURSOR_FLUSH_MS = 1_000;
/** Entries kept in memory for the streams (a stream further behind reads the history). */
const RECENT_ENTRIES = 256;

export interface Webhooks extends RoomFeature {
  /** For tests and diagnostics: the outbox rows. */
  outbox(): ReturnType<Outbox["list"]>;
  /** For tests and diagnostics: each endpoint's cursor in memory and in storage. */
  cursors(): { url: string; cursor: number; persisted: number | null }[];
}

/** Events a stored entry gives: message.created, and call.ended (+ call.missed) for a call record. */
const entryEvents = (room: string, m: ChatMessage) => [messageCreated(room, m), ...callEnded(room, m)];

export function webhooks(ctx: RoomContext, messages: MessageStore): Webhooks {
  const config = webhookConfig(ctx.env, (problem) => console.error(problem));
  const outbox = new Outbox(ctx.sql);
  const mirror = new MemberMirror(ctx.sql);
  const key = config ? signingKey(config.secret) : null;
  const inFlight = new Set<string>();
  const recent = new RecentEntries(RECENT_ENTRIES);
  const prefixes = new Map<string, Promise<string>>();
  let kicked = false;
  let reporting = false;
  let flushTimer: ReturnType<typeof setTimeout> | null = null;
  /** The outbox-only version's mark is still stored (dropped with the first cursors written). */
  let hasLegacyMark = false;
  /** When the room last committed something of its own that carried the cursors (a stored entry). */
  let carriedAt = 0;
  /** When the pump timer is due as far as this instance knows (undefined: not read since waking). */
  let armedAt: number | null | undefined;

  const streams = openStreams();

  /**
   * Each endpoint's stream from its stored cursor. An endpoint without one starts at the room's last
   * entry (no replay of the past); a room last run by the outbox-only version starts after its mark
   * (`seq`: the entries the outbox already holds). Reads only: a wake writes nothing.
   */
  function openStreams(): EntryStream[] {
    const rows = ctx.sql.exec<{ key: string; value: number }>("SELECT key, value FROM webhook_state").toArray();
    const stored = new Map(rows.map((r) => [r.key, r.value]));
    if (!config) {
      // Off: forget the cursors, so turning webhooks on later starts from then instead of replaying the history in between.
      if (rows.length > 0) ctx.sql.exec("DELETE FROM webhook_state");
      return [];
    }
    const legacy = stored.get("seq");
    hasLegacyMark = legacy !== undefined;
    return config.urls.map((url) => new EntryStream(url, stored.get(`c:${url}`) ?? null, legacy ?? messages.lastSeq));
  }

  /** Writes the cursors that moved (in whatever turn calls it: ideally one that commits anyway). */
  function writeCursors() {
    for (const s of streams) {
      if (s.persisted === s.cursor) continue;
      ctx.sql.exec("INSERT INTO webhook_state (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", `c:${s.url}`, s.cursor);
      s.persisted = s.cursor;
    }
    if (hasLegacyMark && streams.every((s) => s.persisted !== null)) {
      ctx.sql.exec("DELETE FROM webhook_state WHERE key = 'seq'");
      hasLegacyMark = false;
    }
  }

  /** A cursor moved: it reaches storage with the room's next entry, or on its own once the room is quiet. */
  function flushSoon() {
    if (flushTimer) return;
    flushTimer = setTimeout(function flush() {
      const wait = carriedAt + CURSOR_FLUSH_MS - Date.now();
      if (wait > 0) {
        flushTimer = setTimeout(flush, wait);
        return;
      }
      flushTimer = null;
      writeCursors();
      arm();
    }, CURSOR_FLUSH_MS);
  }

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
   * and — while attempts are in flight or a stream is behind — their timeout plus a grace, so a
   * process that dies mid-attempt sends again after a restart. Between alarms it only moves earlier (a
   * timer write gates the next fetch behind a disk sync; firing early costs one empty pump) and is
   * cleared when nothing is left.
   */
  function arm() {
    const now = Date.now();
    const behind = streams.some((s) => !s.idle(messages.lastSeq) || s.persisted !== s.cursor);
    const candidates = [
      // With every slot taken, rows already due wait for a completion (which kicks the pump); arming
      // the alarm for them would fire it again and again while the backlog lasts.
      inFlight.size >= MAX_IN_FLIGHT ? null : outbox.nextDue(inFlight),
      outbox.hasFailed() ? now + REPORT_RETRY_MS : null,
      inFlight.size > 0 || behind ? now + config!.timeoutMs + LEASE_GRACE_MS : null,
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
    for (const stream of streams) pumpStream(stream);
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

  /** Sends the stream's next entries, as many as it has room for. */
  function pumpStream(stream: EntryStream) {
    if (stream.free <= 0 || stream.from > messages.lastSeq) return;
    const batch = recent.from(stream.from, stream.free) ?? messages.after(stream.from - 1, stream.free).messages;
    for (const m of batch) {
      const events = entryEvents(ctx.room, m);
      stream.started(m.seq, events.length);
      for (const event of events) sendEntryEvent(stream, m, event).catch(() => {});
    }
  }

  /**
   * One attempt of an entry's event, its body built now from the entry (its timestamp is the entry's,
   * so every resend is the same body under the same id). A failure hands it to the outbox, which owns
   * its retries from then on.
   */
  async function sendEntryEvent(stream: EntryStream, m: ChatMessage, event: WebhookEvent) {
    const url = stream.url;
    let prefix = prefixes.get(url);
    if (!prefix) prefixes.set(url, (prefix = entryIdPrefix(ctx.room, url)));
    const id = entryEventId(await prefix, m, event.type);
    const body = payload(event, m.ts);
    try {
      const result = await attempt(url, id, body);
      const now = Date.now();
      // Already there: sent again after a restart that lost the cursor; the outbox owns its retries.
      if (!result.ok && outbox.addOnce(id, url, event.type, body, now)) {
        settleFailure(id, 1, result, null, now);
        outbox.trim(config!.outboxMax, now);
      }
    } finally {
      // Whatever happened, the entry is not waited for again: a stream that stopped would stop every later delivery.
      if (stream.finished(m.seq)) flushSoon();
      kick();
    }
  }

  async function attempt(url: string, id: string, body: string): Promise<AttemptResult> {
    try {
      return await attemptDelivery(url, await key!, id, body, config!.timeoutMs);
    } catch (err) {
      return { ok: false, gone: false, status: null, error: String(err), retryAfterMs: null };
    }
  }

  /** A failed attempt of an outbox row: failed for good (410, schedule exhausted), dropped (expired) or retried later. */
  function settleFailure(id: string, attempts: number, result: Exclude<AttemptResult, { ok: true }>, expiresAt: number | null, now: number) {
    if (result.gone) return outbox.fail(id, attempts, result.error, now);
    const delay = nextDelay(attempts, config!.scale, result.retryAfterMs);
    if (delay === null) outbox.fail(id, attempts, `${result.error} (after ${attempts} attempts)`, now);
    else if (expiresAt !== null && now + delay >= expiresAt) outbox.remove(id);
    else outbox.retry(id, attempts, result.error, now + delay);
  }

  async function send(id: string, url: string, body: string, attempts: number, expiresAt: number | null) {
    const result = await attempt(url, id, body);
    inFlight.delete(id);
    if (result.ok) outbox.remove(id);
    else settleFailure(id, attempts, result, expiresAt, Date.now());
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

  const members = (changes: readonly MemberChange[], by: "host" | "self") => enqueue(changes.map((c) => memberEvent(c.type, ctx.room, c.user, c.name, by)));

  return {
    name: "webhooks",

    /** A first join creates the membership (the room upserted it just before this hook); a later one may rename. */
    join(_conn, identity) {
      const change = mirror.one(identity.user, ctx.members.get(identity.user));
      if (change) members([change], "self");
    },

    on: {
      // In the entries' own commit, which is made anyway: the cursors that moved since, and the pump
      // timer while a stream is behind. No event bodies: they are built from the history when sent.
      stored(entries) {
        if (!config || entries.length === 0) return;
        recent.add(entries);
        writeCursors();
        carriedAt = Date.now();
        armAtMost(carriedAt + config.timeoutMs + LEASE_GRACE_MS);
        kick();
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
    cursors: () => streams.map((s) => ({ url: s.url, cursor: s.cursor, persisted: s.persisted })),
  };
}
