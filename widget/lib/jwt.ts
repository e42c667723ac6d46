/**
 * Reads a JWT's claims without verifying it. The widget only needs `exp` to refresh a token in
 * time; the server verifies every token before a socket exists, so trusting the payload here is
 * harmless.
 */
export interface JwtClaims {
  sub?: unknown;
  name?: unknown;
  rooms?: unknown;
  iat?: unknown;
  exp?: unknown;
  [claim: string]: unknown;
}

export function decodeJwt(token: string): JwtClaims | null {
  const part = token.split(".")[1];
  if (!part) return null;
  try {
    const b64 = part.replace(/-/g, "+").replace(/_/g, "/") + "===".slice((part.length + 3) % 4);
    const bytes = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
    const claims: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return typeof claims === "object" && claims !== null && !Array.isArray(claims) ? (claims as JwtClaims) : null;
  } catch {
    return null;
  }
}

/** Expiry of a token in Unix milliseconds, or null when it has none (or is not a JWT). */
export function tokenExpiry(token: string): number | null {
  const exp = decodeJwt(token)?.exp;
  return typeof exp === "number" && Number.isFinite(exp) ? exp * 1000 : null;
}

/**
 * When to fetch a replacement: a minute before expiry, or halfway through very short lifetimes,
 * so a 60-second token is not refreshed on every reconnect.
 */
export function refreshAt(token: string): number | null {
  const claims = decodeJwt(token);
  const exp = claims?.exp;
  if (typeof exp !== "number") return null;
  const iat = typeof claims?.iat === "number" ? claims.iat : exp - 3600;
  const margin = Math.min(60, Math.max(0, (exp - iat) / 2));
  return (exp - margin) * 1000;
}
