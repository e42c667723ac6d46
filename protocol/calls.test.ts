// Call frames cross the same trust boundary as chat: parsed from unknown on both sides.
import { describe, expect, it } from "vitest";
import { parseClientMessage, parseServerMessage, type CallState } from "./index.ts";

const ID = "call_0123456789";
const state: CallState = {
  callId: ID,
  kind: "video",
  caller: { user: "u1", name: "Alice" },
  callee: { user: "u2", name: "Bob" },
  phase: "connected",
  relay: true,
  offerer: "u1",
  acceptedAt: 10,
  connectedAt: 20,
  limitAt: 620,
};

describe("call frames from clients", () => {
  it("parses every call frame, dropping what the room stamps itself", () => {
    expect(parseClientMessage({ type: "call_start", callId: ID, to: "u2", kind: "audio", from: "mallory" })).toEqual({
      ok: true,
      value: { type: "call_start", callId: ID, to: "u2", kind: "audio", relay: false },
    });
    expect(parseClientMessage({ type: "call_accept", callId: ID, kind: "audio", relay: true })).toEqual({
      ok: true,
      value: { type: "call_accept", callId: ID, kind: "audio", relay: true },
    });
    for (const type of ["call_decline", "call_hangup", "call_connected"])
      expect(parseClientMessage({ type, callId: ID })).toEqual({ ok: true, value: { type, callId: ID } });
    expect(parseClientMessage({ type: "call_failed", callId: ID, message: "x".repeat(500) })).toMatchObject({ ok: true, value: { message: "x".repeat(200) } });
    expect(parseClientMessage({ type: "call_signal", callId: ID, n: 3, signal: { type: "offer", sdp: "v=0" } })).toEqual({
      ok: true,
      value: { type: "call_signal", callId: ID, n: 3, signal: { type: "offer", sdp: "v=0" } },
    });
  });

  it.each([
    ["a short call id", { type: "call_hangup", callId: "x" }],
    ["a bad kind", { type: "call_start", callId: ID, to: "u2", kind: "screen" }],
    ["no callee", { type: "call_start", callId: ID, kind: "audio" }],
    ["a bad accept kind", { type: "call_accept", callId: ID, kind: 1 }],
    ["a signal without n", { type: "call_signal", callId: ID, signal: {} }],
    ["a negative n", { type: "call_signal", callId: ID, n: -1, signal: {} }],
    ["a signal that is not an object", { type: "call_signal", callId: ID, n: 0, signal: "offer" }],
  ])("refuses %s with invalid_message", (_name, frame) => {
    expect(parseClientMessage(frame)).toMatchObject({ ok: false, code: "invalid_message" });
  });
});

describe("call frames from the room", () => {
  it("parses a call state and a relayed signal", () => {
    expect(parseServerMessage({ type: "call", call: state })).toEqual({ ok: true, value: { type: "call", call: state } });
    const ended = { ...state, phase: "ended", reason: "limit", endedAt: 620, durationMs: 600 };
    expect(parseServerMessage({ type: "call", call: ended })).toEqual({ ok: true, value: { type: "call", call: ended } });
    expect(parseServerMessage({ type: "call_signal", callId: ID, n: 0, signal: { candidate: "c" } })).toMatchObject({ ok: true });
  });

  it.each([
    ["an unknown phase", { ...state, phase: "paused" }],
    ["an unknown reason", { ...state, phase: "ended", reason: "aliens" }],
    ["a missing callee", { ...state, callee: undefined }],
    ["a string timestamp", { ...state, connectedAt: "20" }],
  ])("refuses %s", (_name, call) => {
    expect(parseServerMessage({ type: "call", call })).toMatchObject({ ok: false, code: "invalid_message" });
  });
});
