import type { ErrorCode } from "./errors.ts";

/** Outcome of parsing untrusted input: the typed value, or the error code to answer with. */
export type Parsed<T> =
  | { ok: true; value: T }
  | { ok: false; code: ErrorCode; message: string; /** the message id, when one could be read */ id?: string };

export const ok = <T>(value: T): Parsed<T> => ({ ok: true, value });

export const fail = <T>(code: ErrorCode, message: string, id?: string): Parsed<T> =>
  id === undefined ? { ok: false, code, message } : { ok: false, code, message, id };

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isSeq(value: unknown): value is number {
  return typeof value === "number" && Number.isSafeInteger(value) && value >= 0;
}
