import type { ErrorCode } from "../protocol/index.ts";

/** The one error type routes throw; `errorResponse` turns it into the API's JSON shape. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorResponse(err: unknown): Response {
  if (err instanceof HttpError) {
    return Response.json({ error: { code: err.code, message: err.message } }, { status: err.status, headers: err.headers });
  }
  // Unexpected: log the detail for the operator, tell the client nothing internal.
  console.error("unhandled error", err);
  return Response.json({ error: { code: "internal", message: "Internal error." } }, { status: 500 });
}

export const badRequest = (message: string) => new HttpError(400, "invalid_request", message);
