import { codePointLength, isRole, isWellFormed, MAX_NAME_LENGTH, ROOM_ID_PATTERN, USER_ID_PATTERN, type Role } from "../protocol/index.ts";
import { badRequest } from "./http-error.ts";

/** Reads a JSON object body or throws 400; never trusts its shape. */
export async function readJsonObject(request: Request): Promise<Record<string, unknown>> {
  let data: unknown;
  try {
    data = await request.json();
  } catch {
    throw badRequest("Body must be JSON.");
  }
  if (typeof data !== "object" || data === null || Array.isArray(data)) throw badRequest("Body must be a JSON object.");
  return data as Record<string, unknown>;
}

export function roomId(value: unknown, field = "room"): string {
  if (typeof value !== "string" || !ROOM_ID_PATTERN.test(value)) {
    throw badRequest(`${field} must be 1–128 characters of A–Z, a–z, 0–9, _ or -.`);
  }
  return value;
}

export function userId(value: unknown, field = "user"): string {
  if (typeof value !== "string" || !USER_ID_PATTERN.test(value)) {
    throw badRequest(`${field} must be 1–128 characters of A–Z, a–z, 0–9 and _ . : @ -.`);
  }
  return value;
}

export function displayName(value: unknown, field = "name"): string {
  const name = typeof value === "string" ? value.trim() : "";
  if (name === "" || codePointLength(name) > MAX_NAME_LENGTH) throw badRequest(`${field} must be 1–${MAX_NAME_LENGTH} characters.`);
  // Names are shown to others and stored; half a character would not come back as it went in.
  if (!isWellFormed(name)) throw badRequest(`${field} has a lone UTF-16 surrogate (half a character).`);
  return name;
}

export function optionalInt(value: unknown, field: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isSafeInteger(value) || value < min || value > max) {
    throw badRequest(`${field} must be an integer from ${min} to ${max}.`);
  }
  return value;
}

/** An optional `role`: "member" (the default) or "moderator". */
export function optionalRole(value: unknown): Role {
  if (value === undefined) return "member";
  if (!isRole(value)) throw badRequest('role must be "member" or "moderator".');
  return value;
}

export function optionalBool(value: unknown, field: string): boolean | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "boolean") throw badRequest(`${field} must be true or false.`);
  return value;
}
