import type { ErrorCode } from "./errors.ts";

/** Outcome of parsing untrusted input: the typed value, or the error code to answer with. */
export type Parsed<T> = { ok: true; value: T } | { ok: false; code: ErrorCode; message: string /** the message id, when one could be read */; id?: string };

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });

export const fail = <T>(code: ErrorCode, message: string, id?: string): Parsed<T> =>
  id === undefined ? { ok: false, code, message } : { ok: false, code, message, id };

/** Decodes a text frame's JSON; both directions refuse bad JSON with the same code. */
export function decodeJson(raw: string): Parsed<unknown> {
  try {
    return ok(JSON.parse(raw) as unknown);
  } catch {
    return fail("bad_json", "Frame is not valid JSON.");
  }
}

/** Parses one frame type's fields from a decoded object whose `type` already matched. */
export type FrameParser<T> = (data: Record<string, unknown>) => Parsed<T>;

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isSeq(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}

export const isStr = (v: unknown): v is string => typeof v === "string";

/** Every item parsed, or null when the value is not a list or any item is malformed. */
export function list<T>(value: unknown, item: (x: unknown) => T | null): T[] | null {
  if (!Array.isArray(value)) return null;
  const out: T[] = [];
  for (const x of value) {
    const parsed = item(x);
    if (parsed === null) return null;
    out.push(parsed);
  }
  return out;
}

/** The error for a server frame whose fields do not match its type. */
export const malformed = <T>(what: string): Parsed<T> => fail("invalid_message", `Malformed ${what} frame from server.`);
