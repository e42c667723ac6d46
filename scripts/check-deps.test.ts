// The dependency-direction check against small fake trees: a clean one passes, wrong imports and a cycle fail.
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { checkDeps } from "./check-deps.mjs";

const SCRIPT = join(dirname(fileURLToPath(import.meta.url)), "check-deps.mjs");
const roots: string[] = [];

/** Writes `files` (path → source) into a fresh temporary folder and returns it. */
function tree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), "check-deps-"));
  roots.push(root);
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

afterEach(() => {
  for (const root of roots.splice(0)) rmSync(root, { recursive: true, force: true });
});

const CLEAN = {
  "protocol/index.ts": 'export * from "./chat.ts";\nexport type { Entry } from "./entries.ts";\n',
  "protocol/chat.ts": 'import type { Entry } from "./entries.ts";\nexport type Chat = { entries: Entry[] };\n',
  "protocol/entries.ts":
    '// import { x } from "../party/room.ts" is only a comment\nexport type Entry = { text: string };\nexport const hint = \'import "lit"\';\n',
  "protocol/protocol.test.ts": 'import { it } from "vitest";\nimport "./index.ts";\nit("runs", () => {});\n',
  "party/room.ts": 'import { Server } from "partyserver";\nimport type { Chat } from "../protocol/index.ts";\nexport class Room extends Server {}\n',
  "party/room.test.ts": 'import { env } from "cloudflare:test";\nimport { join } from "../test/workerd/helpers.ts";\n',
  "worker/index.ts": 'export { Room } from "../party/room.ts";\nimport { Router } from "itty-router";\nimport type { Chat } from "../protocol";\n',
  "widget/inapp-talk.ts":
    'import { LitElement } from "lit";\nimport { type Chat } from "../protocol/index.ts";\nconst lazy = () => import("./calls/index.ts");\n',
  "widget/calls/index.ts": 'import type { Chat } from "../../protocol/chat.ts";\nexport {};\n',
  "test/workerd/helpers.ts": "export const join = 1;\n",
};

describe("check-deps", () => {
  it("passes a tree whose imports go widget → protocol ← party ← worker", () => {
    expect(checkDeps(tree(CLEAN))).toEqual([]);
  });

  it("reports every wrong import with its file, line and specifier", () => {
    const root = tree({
      ...CLEAN,
      "protocol/chat.ts": 'import { z } from "zod";\nimport type { Room } from "../party/room.ts";\nexport type Chat = {};\n',
      "widget/inapp-talk.ts":
        'import { LitElement } from "lit";\n\nimport type { Room } from "../party/room.ts";\nconst api = () => import("../worker/index.ts");\n',
      "party/room.ts":
        'import { Server } from "partyserver";\nimport type { Env } from "../worker/index.ts";\ntype W = typeof import("../widget/inapp-talk.ts");\n',
      "worker/index.ts": 'export { Room } from "../party/room.ts";\nexport * from "../widget/inapp-talk.ts";\n',
    });
    expect(checkDeps(root)).toEqual([
      'protocol/chat.ts:1: import "zod" — protocol/ imports no package',
      'protocol/chat.ts:2: import "../party/room.ts" — protocol/ imports nothing outside protocol/',
      'party/room.ts:2: import "../worker/index.ts" — party/ must not import worker/',
      'party/room.ts:3: import "../widget/inapp-talk.ts" — party/ must not import widget/',
      'worker/index.ts:2: import "../widget/inapp-talk.ts" — worker/ must not import widget/',
      'widget/inapp-talk.ts:3: import "../party/room.ts" — widget/ must not import party/',
      'widget/inapp-talk.ts:4: import "../worker/index.ts" — widget/ must not import worker/',
      // The wrong imports also close loops among party, worker and widget: one cycle per tangle, the shortest.
      "import cycle: party/room.ts → widget/inapp-talk.ts → party/room.ts",
    ]);
  });

  it("reports an import cycle, type-only imports included", () => {
    const root = tree({
      ...CLEAN,
      "party/a.ts": 'import { b } from "./b.ts";\nexport const a = 1;\n',
      "party/b.ts": 'import { c } from "./c";\nexport const b = 2;\n',
      "party/c.ts": 'import type { A } from "./a.ts";\nexport const c = 3;\n',
      "widget/self.ts": 'import "./self.ts";\n',
    });
    expect(checkDeps(root)).toEqual(["import cycle: party/a.ts → party/b.ts → party/c.ts → party/a.ts", "import cycle: widget/self.ts → widget/self.ts"]);
  });

  it("exits non-zero from the command line, one line per violation", () => {
    const bad = spawnSync(process.execPath, [SCRIPT, tree({ ...CLEAN, "protocol/chat.ts": 'import "node:fs";\n' })], { encoding: "utf8" });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain('protocol/chat.ts:1: import "node:fs" — protocol/ imports no package\n');
    const good = spawnSync(process.execPath, [SCRIPT, tree(CLEAN)], { encoding: "utf8" });
    expect(good.status).toBe(0);
    // Two node processes loading the TypeScript parser: seconds on a loaded 2-core machine.
  }, 60_000);
});
