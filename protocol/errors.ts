/**
 * Error codes carried by `{ type: "error" }` frames and by the HTTP API's `{ error: { code } }`.
 * They are part of the public surface: hosts and the widget branch on them.
 */
export const ERROR_CODES = [
  // frame problems: nothing was stored
  "bad_json",
  "binary_frame",
  "frame_too_large",
  "unknown_type",
  "invalid_message",
  "text_too_long",
  "empty_text",
  "invalid_text",
  // policy
  "rate_limited",
  "unsupported_version",
  "unauthorized",
  "forbidden",
  "expired",
  "read_only",
  "not_member",
  "room_full",
  // calls
  "call_not_found",
  "not_participant",
  "already_answered",
  "call_not_allowed",
  "callee_unavailable",
  // HTTP API
  "invalid_request",
  "not_found",
  "method_not_allowed",
  // server side
  "internal",
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === "string" && (ERROR_CODES as readonly string[]).includes(value);
}
