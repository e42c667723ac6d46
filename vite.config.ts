/// <reference types="vitest/config" />
import { resolve } from "node:path";
import { defineConfig, type Plugin } from "vite";

/**
 * Lit keeps `css\`…\`` literals verbatim; collapsing their whitespace and comments in the widget's
 * *.styles.ts files saves about a kilobyte gzipped. Only whitespace next to punctuation that
 * cannot be a descendant combinator is removed.
 */
function minifyLitCss(): Plugin {
  const minify = (text: string) =>
    text
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/\s+/g, " ")
      .replace(/\s*([{};,>])\s*/g, "$1")
      .replace(/:\s+/g, ":")
      .replace(/;}/g, "}");
  return {
    name: "inapp-talk:minify-lit-css",
    apply: "build",
    transform(code, id) {
      if (!id.endsWith(".styles.ts")) return null;
      // Minify the static text between `${…}` interpolations; a boundary keeps at most one space.
      const minifyTemplate = (body: string) =>
        body
          .split(/(\$\{[^}]*\})/)
          .map((part) => (part.startsWith("${") ? part : minify(part)))
          .join("")
          .trim();
      return { code: code.replace(/css`([^`]*)`/g, (_, body: string) => `css\`${minifyTemplate(body)}\``), map: null };
    },
  };
}

/**
 * One build, two independent entries:
 * - `dist/inapp-talk.js`: the widget as an ES module (fixed name: host pages hard-code it);
 *   lazily loaded chunks sit next to it in `dist/chunks/` and are imported by relative URL, so they
 *   resolve against wherever inapp-talk.js was loaded from, on any origin.
 * - `dist/index.html` + `dist/assets/`: the demo page, which loads the widget like any host would,
 *   by a `<script type="module" src="/inapp-talk.js">` tag, never by bundling it.
 */
export default defineConfig({
  root: resolve(import.meta.dirname, "demo"),
  // Relative base: any URL the bundles compute is resolved against the module, not the host page.
  base: "./",
  publicDir: false,
  logLevel: "warn",
  plugins: [minifyLitCss()],
  build: {
    outDir: resolve(import.meta.dirname, "dist"),
    emptyOutDir: true,
    target: "es2022",
    // No preload helper or polyfill: the widget must not fetch `/assets/...` from the host's origin.
    modulePreload: false,
    reportCompressedSize: false,
    sourcemap: false,
    rolldownOptions: {
      input: {
        index: resolve(import.meta.dirname, "demo/index.html"),
        "inapp-talk": resolve(import.meta.dirname, "widget/index.ts"),
      },
      // Keep the widget entry's exports (InappTalk, for hosts that import it).
      preserveEntrySignatures: "exports-only",
      output: {
        entryFileNames: (chunk) => (chunk.name === "inapp-talk" ? "inapp-talk.js" : "assets/[name]-[hash].js"),
        chunkFileNames: "chunks/[name]-[hash].js",
        assetFileNames: "assets/[name]-[hash][extname]",
      },
    },
  },
  // `npx vitest run widget`: the widget's pure helpers, in plain node (DOM behaviour is tested in
  // real Chromium under test/browser).
  test: {
    root: import.meta.dirname,
    include: ["widget/**/*.test.ts"],
  },
});
