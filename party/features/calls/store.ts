import type { CallEndReason, CallKind, CallParty, CallPhase, CallState } from "../../../protocol/index.ts";

/** A call as the room keeps it: the public state plus which sockets take part. */
export interface CallRecord {
  callId: string;
  kind: CallKind;
  caller: CallParty;
  callee: CallParty;
  /** The caller's socket (the one that started the call). */
  callerConn: string;
  /** The callee's socket that accepted; null while it rings (every callee socket rings). */
  calleeConn: string | null;
  phase: CallPhase;
  reason: CallEndReason | null;
  relay: boolean;
  /** The longest the call may last once connected, ms; null = no cap. */
  limitMs: number | null;
  createdAt: number;
  acceptedAt: number | null;
  connectedAt: number | null;
  endedAt: number | null;
}

type Row = {
  call_id: string;
  kind: string;
  caller: string;
  caller_name: string;
  caller_conn: string;
  callee: string;
  callee_name: string;
  callee_conn: string | null;
  phase: string;
  reason: string | null;
  relay: number;
  limit_ms: number | null;
  created_at: number;
  accepted_at: number | null;
  connected_at: number | null;
  ended_at: number | null;
};

const toRecord = (r: Row): CallRecord => ({
  callId: r.call_id,
  kind: r.kind as CallKind,
  caller: { user: r.caller, name: r.caller_name },
  callee: { user: r.callee, name: r.callee_name },
  callerConn: r.caller_conn,
  calleeConn: r.callee_conn,
  phase: r.phase as CallPhase,
  reason: r.reason as CallEndReason | null,
  relay: r.relay === 1,
  limitMs: r.limit_ms,
  createdAt: r.created_at,
  acceptedAt: r.accepted_at,
  connectedAt: r.connected_at,
  endedAt: r.ended_at,
});

/** What both participants are told about a call. */
export function publicState(c: CallRecord): CallState {
  const state: CallState = { callId: c.callId, kind: c.kind, caller: c.caller, callee: c.callee, phase: c.phase, relay: c.relay, offerer: c.caller.user };
  if (c.reason) state.reason = c.reason;
  if (c.acceptedAt !== null) state.acceptedAt = c.acceptedAt;
  if (c.connectedAt !== null) state.connectedAt = c.connectedAt;
  if (c.connectedAt !== null && c.limitMs !== null) state.limitAt = c.connectedAt + c.limitMs;
  if (c.endedAt !== null) {
    state.endedAt = c.endedAt;
    state.durationMs = durationMs(c);
  }
  return state;
}

export const durationMs = (c: CallRecord): number => (c.connectedAt !== null && c.endedAt !== null ? c.endedAt - c.connectedAt : 0);

/** Calls of one room, durable so timeouts and history survive a restart. */
export class CallStore {
  constructor(private readonly sql: SqlStorage) {}

  get(callId: string): CallRecord | null {
    const row = this.sql.exec<Row>("SELECT * FROM calls WHERE call_id = ?", callId).toArray()[0];
    return row ? toRecord(row) : null;
  }

  /** Calls not yet ended in which this user takes part. */
  activeFor(user: string): CallRecord[] {
    return this.sql.exec<Row>("SELECT * FROM calls WHERE phase != 'ended' AND (caller = ? OR callee = ?)", user, user).toArray().map(toRecord);
  }

  /** Calls not yet ended that this socket takes part in (as caller, or as the callee's accepting socket). */
  activeOnConn(connId: string): CallRecord[] {
    return this.sql.exec<Row>("SELECT * FROM calls WHERE phase != 'ended' AND (caller_conn = ? OR callee_conn = ?)", connId, connId).toArray().map(toRecord);
  }

  insert(c: CallRecord): void {
    this.sql.exec(
      `INSERT INTO calls (call_id, kind, caller, caller_name, caller_conn, callee, callee_name, callee_conn, phase, reason, relay, limit_ms, created_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      c.callId,
      c.kind,
      c.caller.user,
      c.caller.name,
      c.callerConn,
      c.callee.user,
      c.callee.name,
      c.calleeConn,
      c.phase,
      c.reason,
      c.relay ? 1 : 0,
      c.limitMs,
      c.createdAt,
    );
  }

  save(c: CallRecord): void {
    this.sql.exec(
      `UPDATE calls SET kind = ?, callee_conn = ?, phase = ?, reason = ?, relay = ?, limit_ms = ?, accepted_at = ?, connected_at = ?, ended_at = ?
       WHERE call_id = ?`,
      c.kind,
      c.calleeConn,
      c.phase,
      c.reason,
      c.relay ? 1 : 0,
      c.limitMs,
      c.acceptedAt,
      c.connectedAt,
      c.endedAt,
      c.callId,
    );
  }
}
