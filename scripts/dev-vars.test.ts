import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ensureDevVars } from "./dev-vars.mjs";

describe("ensureDevVars", () => {
  it("adds the example's settings an older .dev.vars lacks, and never changes a value already set", () => {
    const root = mkdtempSync(join(tmpdir(), "dev-vars-"));
    writeFileSync(join(root, ".dev.vars.example"), 'INAPP_TALK_API_KEY=example-key\nPUSH_ALLOW_HTTP="true"\n');
    writeFileSync(join(root, ".dev.vars"), "INAPP_TALK_API_KEY=my-own-key");
    const vars = ensureDevVars(root);
    expect(vars.INAPP_TALK_API_KEY).toBe("my-own-key");
    expect(vars.PUSH_ALLOW_HTTP).toBe("true");
    // A second run adds nothing more.
    const once = readFileSync(join(root, ".dev.vars"), "utf8");
    ensureDevVars(root);
    expect(readFileSync(join(root, ".dev.vars"), "utf8")).toBe(once);
  });
});
