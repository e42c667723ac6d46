// `npm run vapid` and the local-keys hook: keys in the format party/notify reads, appended only when missing.
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { importJWK, jwtVerify } from "jose";
import { afterEach, describe, expect, it } from "vitest";
import { vapidAuthorization } from "../party/notify/webpush.ts";
import { parseDevVars } from "./dev-vars.mjs";
import { DEV_SUBJECT, ensureVapidKeys, generateVapidKeyPair } from "./vapid.mjs";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "vapid.mjs");
const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A .dev.vars path in a fresh folder, with `text` in it unless undefined. */
function devVars(text?: string): string {
  const dir = mkdtempSync(join(tmpdir(), "vapid-"));
  dirs.push(dir);
  const path = join(dir, ".dev.vars");
  if (text !== undefined) writeFileSync(path, text);
  return path;
}

/** Signs with party/notify/vapid.ts and verifies with jose: the keys are in the format the rooms will read. */
async function usable(keys: { publicKey: string; privateKey: string }) {
  const authorization = await vapidAuthorization("https://push.example.net/x", { ...keys, subject: DEV_SUBJECT });
  const jwt = /t=([^,]+)/.exec(authorization)![1]!;
  const point = Buffer.from(keys.publicKey, "base64url");
  const key = await importJWK(
    { kty: "EC", crv: "P-256", x: point.subarray(1, 33).toString("base64url"), y: point.subarray(33).toString("base64url") },
    "ES256",
  );
  return (await jwtVerify(jwt, key, { audience: "https://push.example.net" })).payload.sub === DEV_SUBJECT;
}

describe("generateVapidKeyPair", () => {
  it("gives a 65-byte point and a 32-byte scalar that party/notify signs with and jose verifies", async () => {
    const keys = generateVapidKeyPair();
    expect(Buffer.from(keys.publicKey, "base64url")).toHaveLength(65);
    expect(Buffer.from(keys.publicKey, "base64url")[0]).toBe(0x04);
    expect(Buffer.from(keys.privateKey, "base64url")).toHaveLength(32);
    expect(await usable(keys)).toBe(true);
  });
});

describe("ensureVapidKeys", () => {
  it("appends a pair and a subject to a file that has none, keeping the lines before", async () => {
    const path = devVars("INAPP_TALK_API_KEY=dev\nGUEST_ROOM_PREFIX=demo-"); // no final newline
    const got = ensureVapidKeys(path);
    expect(got.added).toEqual(["VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY", "VAPID_SUBJECT"]);
    const text = readFileSync(path, "utf8");
    expect(text.startsWith("INAPP_TALK_API_KEY=dev\nGUEST_ROOM_PREFIX=demo-\n# Web push")).toBe(true);
    const vars = parseDevVars(text);
    expect(vars).toMatchObject({ GUEST_ROOM_PREFIX: "demo-", VAPID_PUBLIC_KEY: got.publicKey, VAPID_PRIVATE_KEY: got.privateKey, VAPID_SUBJECT: DEV_SUBJECT });
    expect(await usable(got)).toBe(true);
  });

  it("creates a missing file, then leaves it alone: the second call returns the same keys", () => {
    const path = devVars();
    const first = ensureVapidKeys(path);
    const text = readFileSync(path, "utf8");
    const second = ensureVapidKeys(path);
    expect(second).toEqual({ ...first, added: [] });
    expect(readFileSync(path, "utf8")).toBe(text);
  });

  it("keeps the developer's keys and subject, adding only a missing subject", () => {
    const keys = generateVapidKeyPair();
    const path = devVars(`VAPID_PUBLIC_KEY=${keys.publicKey}\nVAPID_PRIVATE_KEY="${keys.privateKey}"\n`);
    expect(ensureVapidKeys(path)).toEqual({ ...keys, subject: DEV_SUBJECT, added: ["VAPID_SUBJECT"] });
    expect(readFileSync(path, "utf8")).toBe(`VAPID_PUBLIC_KEY=${keys.publicKey}\nVAPID_PRIVATE_KEY="${keys.privateKey}"\nVAPID_SUBJECT=${DEV_SUBJECT}\n`);
  });

  it("fills empty placeholders: the appended lines come later and win", () => {
    const path = devVars("VAPID_PUBLIC_KEY=\nVAPID_PRIVATE_KEY=\nVAPID_SUBJECT=https://example.com/contact\n");
    const got = ensureVapidKeys(path);
    expect(got.added).toEqual(["VAPID_PUBLIC_KEY", "VAPID_PRIVATE_KEY"]);
    expect(got.subject).toBe("https://example.com/contact");
    expect(parseDevVars(readFileSync(path, "utf8")).VAPID_PRIVATE_KEY).toBe(got.privateKey);
  });

  it("refuses a half pair, a malformed key and a mismatched pair, and writes nothing", () => {
    const a = generateVapidKeyPair();
    const b = generateVapidKeyPair();
    const cases: Array<[string, RegExp]> = [
      [`VAPID_PUBLIC_KEY=${a.publicKey}\n`, /only half a VAPID key pair \(VAPID_PRIVATE_KEY is missing\)/],
      [`VAPID_PUBLIC_KEY=abc\nVAPID_PRIVATE_KEY=${a.privateKey}\n`, /not a 65-byte uncompressed P-256 point/],
      [`VAPID_PUBLIC_KEY=${a.publicKey}\nVAPID_PRIVATE_KEY=${b.privateKey}\n`, /not the private key of VAPID_PUBLIC_KEY/],
    ];
    for (const [text, error] of cases) {
      const path = devVars(text);
      expect(() => ensureVapidKeys(path)).toThrow(error);
      expect(readFileSync(path, "utf8")).toBe(text);
    }
  });
});

describe("npm run vapid", () => {
  it("prints the three wrangler secret put commands, each with its value", async () => {
    const run = spawnSync(process.execPath, [SCRIPT, "mailto:ops@example.com"], { encoding: "utf8" });
    expect(run.status).toBe(0);
    const lines = run.stdout.split("\n").map((l) => l.trim());
    const pasted = (name: string) => lines[lines.indexOf(`npx wrangler secret put ${name}`) + 1]!;
    const keys = { publicKey: pasted("VAPID_PUBLIC_KEY"), privateKey: pasted("VAPID_PRIVATE_KEY") };
    expect(pasted("VAPID_SUBJECT")).toBe("mailto:ops@example.com");
    expect(await usable(keys)).toBe(true);
  });

  it("refuses a subject that is neither mailto: nor https:", () => {
    const run = spawnSync(process.execPath, [SCRIPT, "ops@example.com"], { encoding: "utf8" });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/mailto: address or an https: URL/);
  });
});
