#!/usr/bin/env node
// `npm run vapid [-- <subject>]`: a new VAPID key pair for web push (RFC 8292), printed as the three
// `npx wrangler secret put` commands to run for production, each with the value to paste when wrangler asks.
// `ensureVapidKeys(devVarsPath)` gives local development its own pair in .dev.vars (for scripts/dev-vars.mjs).
//
// Keys are base64url, the format party/notify/vapid.ts reads: the public key is the 65-byte uncompressed
// P-256 point (the browser's applicationServerKey), the private key the 32-byte scalar d. They come from
// node's crypto exported as JWK — the same values Web Crypto gives — but synchronously, so that
// ensureDevVars (synchronous, called by start, test and the browser runner) can call ensureVapidKeys.
import { createPrivateKey, createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { appendFileSync, existsSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseDevVars } from "./dev-vars.mjs";

/** What local development signs with; a local push service does not write to it. */
export const DEV_SUBJECT = "mailto:dev@example.com";

/**
 * A new P-256 key pair as base64url.
 * @returns {{ publicKey: string, privateKey: string }}
 */
export function generateVapidKeyPair() {
  const { privateKey } = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const jwk = privateKey.export({ format: "jwk" });
  if (!jwk.x || !jwk.y || !jwk.d) throw new Error("exported JWK has no x, y or d");
  const point = Buffer.concat([Buffer.from([0x04]), Buffer.from(jwk.x, "base64url"), Buffer.from(jwk.y, "base64url")]);
  return { publicKey: point.toString("base64url"), privateKey: jwk.d };
}

/**
 * Throws unless `publicKey` is a 65-byte uncompressed P-256 point and `privateKey` its 32-byte scalar.
 * @param {string} publicKey
 * @param {string} privateKey
 * @param {string} where  named in the error
 */
export function checkVapidKeyPair(publicKey, privateKey, where) {
  const point = Buffer.from(publicKey, "base64url");
  const bad = (/** @type {string} */ why) => new Error(`${where}: ${why}. Remove both VAPID key lines to get a new pair.`);
  if (point.length !== 65 || point[0] !== 0x04) throw bad("VAPID_PUBLIC_KEY is not a 65-byte uncompressed P-256 point (base64url)");
  if (Buffer.from(privateKey, "base64url").length !== 32) throw bad("VAPID_PRIVATE_KEY is not a 32-byte scalar (base64url)");
  const x = point.subarray(1, 33).toString("base64url");
  const y = point.subarray(33).toString("base64url");
  try {
    const probe = Buffer.from("vapid key check");
    const signature = sign("sha256", probe, createPrivateKey({ key: { kty: "EC", crv: "P-256", x, y, d: privateKey }, format: "jwk" }));
    if (verify("sha256", probe, createPublicKey({ key: { kty: "EC", crv: "P-256", x, y }, format: "jwk" }), signature)) return;
  } catch {
    // Not importable: reported below like a mismatch.
  }
  throw bad("VAPID_PRIVATE_KEY is not the private key of VAPID_PUBLIC_KEY");
}

/**
 * Makes sure the dotenv file at `devVarsPath` (normally `.dev.vars`) has a VAPID key pair and subject,
 * appending what is missing (a missing file is created; existing lines are never changed). Empty values
 * count as missing: the appended line comes later, and both wrangler and parseDevVars take the last one.
 * A half pair (one key without the other) is an error: a new key cannot complete an old one.
 * @example
 *   // in ensureDevVars, after the copy from .dev.vars.example:
 *   ensureVapidKeys(join(root, ".dev.vars"));
 * @param {string} devVarsPath
 * @returns {{ publicKey: string, privateKey: string, subject: string, added: string[] }}
 */
export function ensureVapidKeys(devVarsPath) {
  const text = existsSync(devVarsPath) ? readFileSync(devVarsPath, "utf8") : "";
  const vars = parseDevVars(text);
  let publicKey = vars.VAPID_PUBLIC_KEY ?? "";
  let privateKey = vars.VAPID_PRIVATE_KEY ?? "";
  const subject = vars.VAPID_SUBJECT || DEV_SUBJECT;
  /** @type {string[]} */
  const lines = [];
  if (publicKey && privateKey) checkVapidKeyPair(publicKey, privateKey, devVarsPath);
  else if (publicKey || privateKey) {
    const missing = publicKey ? "VAPID_PRIVATE_KEY" : "VAPID_PUBLIC_KEY";
    throw new Error(`${devVarsPath} has only half a VAPID key pair (${missing} is missing). Remove the other VAPID key line to get a new pair.`);
  } else {
    ({ publicKey, privateKey } = generateVapidKeyPair());
    lines.push("# Web push (VAPID) keys for local development, added by scripts/vapid.mjs. Production: npm run vapid.");
    lines.push(`VAPID_PUBLIC_KEY=${publicKey}`, `VAPID_PRIVATE_KEY=${privateKey}`);
  }
  if (!vars.VAPID_SUBJECT) lines.push(`VAPID_SUBJECT=${subject}`);
  const added = lines.filter((l) => !l.startsWith("#")).map((l) => l.slice(0, l.indexOf("=")));
  if (lines.length > 0) {
    const separator = text === "" || text.endsWith("\n") ? "" : "\n";
    appendFileSync(devVarsPath, `${separator}${lines.join("\n")}\n`);
    console.log(`Added ${added.join(", ")} to ${devVarsPath} (local web push keys).`);
  }
  return { publicKey, privateKey, subject, added };
}

/**
 * The text `npm run vapid` prints.
 * @param {{ publicKey: string, privateKey: string }} keys
 * @param {string | undefined} subject
 */
export function secretPutInstructions(keys, subject) {
  return [
    "New VAPID keys for web push. In the project folder, run each command and paste the value under it when wrangler asks:",
    "",
    "  npx wrangler secret put VAPID_PUBLIC_KEY",
    `    ${keys.publicKey}`,
    "  npx wrangler secret put VAPID_PRIVATE_KEY",
    `    ${keys.privateKey}`,
    "  npx wrangler secret put VAPID_SUBJECT",
    `    ${subject ?? "mailto:you@example.com"}`,
    "",
    ...(subject ? [] : ["VAPID_SUBJECT: put your own mailto: address or https: page (or run npm run vapid -- mailto:ops@your.domain)."]),
    "Keep the private key secret. Set the keys once: replacing them later ends every existing push subscription,",
    "because browsers bind a subscription to the public key.",
  ].join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const subject = process.argv[2];
  if (subject !== undefined && !/^(mailto:[^@\s]+@[^@\s]+|https:\/\/[^\s/]+\S*)$/.test(subject)) {
    console.error(`The subject must be a mailto: address or an https: URL, not ${JSON.stringify(subject)}.`);
    process.exit(1);
  }
  console.log(secretPutInstructions(generateVapidKeyPair(), subject));
}
