/**
 * The events a room sends to webhooks and their `data` shapes (documented in README.md, "Webhooks").
 * The payload follows Standard Webhooks: `{ type, timestamp, data }`, timestamp ISO 8601.
 * `message.*`, `call.*` and `member.*` are records for the host's systems, not notifications;
 * `notification.fallback` is one: "tell this person another way" (party/features/fallback/).
 */
import type { CallParty, CallState, ChatMessage, EntryData } from "../../protocol/index.ts";
import type { FallbackNotice } from "../feature.ts";

export interface MessageCreated {
  room: string;
  seq: number;
  id: string;
  kind: string;
  user: string;
  name: string;
  text: string;
  data?: EntryData;
  ts: number;
}

export interface CallData {
  room: string;
  call_id: string;
  kind: string;
  caller: CallParty;
  callee: CallParty;
  /** call.started: when the ring ends unanswered (Unix ms). */
  ring_until?: number;
  /** call.ended / call.missed: the end reason (hangup, declined, missed, cancelled, busy, failed, limit). */
  reason?: string;
  /** call.ended / call.missed: connected time, 0 when it never connected. */
  duration_ms?: number;
  /** call.ended / call.missed: the history entry's seq. */
  seq?: number;
  ts: number;
}

export interface MemberData {
  room: string;
  user: string;
  name: string;
  /** `host`: the rooms API added or removed them; `self`: their first join created the membership. */
  by: "host" | "self";
}

/** `notification.fallback`: the room's notice (party/feature.ts) and the room it is about. */
export type FallbackData = FallbackNotice & { room: string };

export type WebhookEvent =
  | { type: "message.created"; data: MessageCreated }
  | { type: "notification.fallback"; data: FallbackData }
  | { type: "call.started" | "call.ended" | "call.missed"; data: CallData }
  | { type: "member.joined" | "member.removed"; data: MemberData };

export type WebhookEventType = WebhookEvent["type"];

/** The JSON body of one event, as signed and sent. */
export function payload(event: WebhookEvent, at: number): string {
  return JSON.stringify({ type: event.type, timestamp: new Date(at).toISOString(), data: event.data });
}

export function messageCreated(room: string, m: ChatMessage): WebhookEvent {
  const data: MessageCreated = { room, seq: m.seq, id: m.id, kind: m.kind, user: m.user, name: m.name, text: m.text, ts: m.ts };
  if (m.data !== undefined) data.data = m.data;
  return { type: "message.created", data };
}

export function callStarted(room: string, call: CallState, ringUntil: number, now: number): WebhookEvent {
  return {
    type: "call.started",
    data: { room, call_id: call.callId, kind: call.kind, caller: call.caller, callee: call.callee, ring_until: ringUntil, ts: now },
  };
}

const isParty = (v: unknown): v is CallParty =>
  typeof v === "object" && v !== null && typeof (v as CallParty).user === "string" && typeof (v as CallParty).name === "string";

/** A stored `call` entry (the record of an ended call) as call.ended, plus call.missed when nobody answered. */
export function callEnded(room: string, m: ChatMessage): WebhookEvent[] {
  const d = m.data;
  if (m.kind !== "call" || !d || typeof d.callId !== "string" || !isParty(d.caller) || !isParty(d.callee)) return [];
  const reason = typeof d.outcome === "string" ? d.outcome : "failed";
  const data: CallData = {
    room,
    call_id: d.callId,
    kind: typeof d.kind === "string" ? d.kind : "audio",
    caller: d.caller,
    callee: d.callee,
    reason,
    duration_ms: typeof d.durationMs === "number" ? d.durationMs : 0,
    seq: m.seq,
    ts: m.ts,
  };
  const events: WebhookEvent[] = [{ type: "call.ended", data }];
  // Busy: the callee was in another call — for them it is a call they missed.
  if (reason === "missed" || reason === "busy") events.push({ type: "call.missed", data });
  return events;
}

export function memberEvent(type: "member.joined" | "member.removed", room: string, user: string, name: string, by: "host" | "self"): WebhookEvent {
  return { type, data: { room, user, name, by } };
}

export function notificationFallback(room: string, n: FallbackNotice): WebhookEvent {
  return {
    type: "notification.fallback",
    data: {
      user: n.user,
      room,
      title: n.title,
      sender: n.sender,
      preview: n.preview,
      url: n.url,
      reason: n.reason,
      entries: n.entries,
      seq: n.seq,
      kind: n.kind,
    },
  };
}
