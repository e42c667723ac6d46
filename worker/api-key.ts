import { bearer } from "./tokens.ts";
import { HttpError } from "./http-error.ts";

/** Host-backend routes require the API key; compared in constant time. */
export function requireApiKey(request: Request, apiKey: string | undefined): void {
  const given = bearer(request);
  if (!apiKey || !given || !timingSafeEqual(given, apiKey)) {
    throw new HttpError(401, "unauthorized", "Missing or wrong API key.");
  }
}

function timingSafeEqual(a: string, b: string): boolean {
  const enc = new TextEncoder();
  const x = enc.encode(a);
  const y = enc.encode(b);
  // Compare against itself on a length mismatch so the time does not depend on where they differ.
  if (x.length !== y.length) return !crypto.subtle.timingSafeEqual(x, x);
  return crypto.subtle.timingSafeEqual(x, y);
}
