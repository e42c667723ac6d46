/**
 * Sending to one socket, for rooms and users' objects alike. A closed socket is skipped (frames
 * already queued from a socket we closed, a flood, still arrive and must not be answered), and a send
 * that throws is swallowed: the runtime closes a socket that broke mid-send, and a caller sending to
 * many must still reach the others.
 */
import type { ErrorCode, ErrorFrame } from "../protocol/index.ts";

export function sendJson(ws: WebSocket, json: string): void {
  if (ws.readyState !== WebSocket.READY_STATE_OPEN) return;
  try {
    ws.send(json);
  } catch {
    // See the header.
  }
}

/** One frame, serialized here (a string is sent as it is). */
export function send(ws: WebSocket, frame: object | string): void {
  sendJson(ws, typeof frame === "string" ? frame : JSON.stringify(frame));
}

export function sendError(ws: WebSocket, code: ErrorCode, message: string, extra?: { id?: string; retryAfterMs?: number }): void {
  send(ws, { type: "error", code, message, ...extra } satisfies ErrorFrame);
}
