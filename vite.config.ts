/// <reference types="vitest/config" />
import { resolve, sep } from "node:path";
import { defineConfig, type Plugin, type UserConfig } from "vite";

/**
 * Lit keeps `css\`…\`` literals verbatim; collapsing their whitespace and comments in the widget's
 * *.styles.ts files saves about a kilobyte gzipped. Only whitespace next to punctuation that
 * cannot be a descendant combinator is removed, and the leading zero of fractions (0.5 → .5).
 */
function minifyLitCss(): Plugin {
  const minify = (text: string) =>
    text
      .replace(/\/\*[\s\S]*?\*\//g, "")
      .replace(/\s+/g, " ")
      .replace(/\s*([{};,>])\s*/g, "$1")
      .replace(/:\s+/g, ":")
      .replace(/([\s:,(])0\.(\d)/g, "$1.$2")
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

const root = import.meta.dirname;

/**
 * `dist/inapp-talk.js`: the widget as an ES module with a fixed name (host pages hard-code it).
 * Library mode, because the widget is a library inside someone else's page: Vite's app mode wraps
 * every `import()` in a preload helper that adds `<link rel=modulepreload>` tags to the host's
 * document and dispatches `vite:preloadError` on its window — 0.7 KB the widget does not need.
 * Lazily loaded parts (features, other languages, the chime) become chunks in `dist/chunks/` and
 * are imported by relative URL, so they resolve against wherever inapp-talk.js was loaded from,
 * on any origin.
 */
const widget: UserConfig = {
  root,
  publicDir: false,
  logLevel: "warn",
  plugins: [minifyLitCss()],
  build: {
    outDir: resolve(root, "dist"),
    emptyOutDir: true,
    target: "es2022",
    reportCompressedSize: false,
    sourcemap: false,
    lib: { entry: resolve(root, "widget/index.ts"), formats: ["es"], fileName: () => "inapp-talk.js" },
    rolldownOptions: {
      // Keep the entry's exports (InappTalk, for hosts that import it) and let it export more:
      // chunks then import what they share with it (lit, i18n…) from inapp-talk.js itself
      // instead of from a common chunk every page would have to fetch too.
      preserveEntrySignatures: "allow-extension",
      // protocol/ only declares (it imports nothing and runs nothing at load), so what the widget
      // does not use of it, such as the tables of client-frame parsers the room needs, is dropped.
      treeshake: { moduleSideEffects: (id) => !id.startsWith(resolve(root, "protocol") + sep) },
      // Fully minified, without the annotations library mode keeps for re-bundling: this file ships as is.
      output: {
        // A language's strings for a feature are named for both: chunks/ko-launcher-….js.
        chunkFileNames: (chunk) => {
          const strings = /[\\/]i18n[\\/](\w+)[\\/](\w+)\.ts$/.exec(chunk.facadeModuleId ?? "");
          return `chunks/${strings ? `${strings[1]}-${strings[2]}` : "[name]"}-[hash].js`;
        },
        minify: true,
        comments: false,
      },
    },
  },
  // `npx vitest run widget`: the widget's pure helpers, in plain node (DOM behaviour is tested in
  // real Chromium under test/browser).
  test: {
    root,
    include: ["widget/**/*.test.ts"],
  },
};

/**
 * `dist/index.html` + `dist/assets/` (`--mode demo`, built second): the demo page, which loads the
 * widget like any host would, by a `<script type="module" src="/inapp-talk.js">` tag, never by
 * bundling it.
 */
const demo: UserConfig = {
  root: resolve(root, "demo"),
  base: "./",
  publicDir: false,
  logLevel: "warn",
  build: {
    outDir: resolve(root, "dist"),
    emptyOutDir: false,
    target: "es2022",
    // No preload helper or polyfill: the page must not fetch `/assets/...` it does not use.
    modulePreload: false,
    reportCompressedSize: false,
    sourcemap: false,
    rolldownOptions: {
      output: {
        entryFileNames: "assets/[name]-[hash].js",
        chunkFileNames: "assets/[name]-[hash].js",
        assetFileNames: "assets/[name]-[hash][extname]",
      },
    },
  },
};

/**
 * `dist/inapp-talk-sw.js` (`--mode sw`, built last): the push service worker as one classic script
 * (IIFE, not a module) so that hosts with a worker of their own can `importScripts` it. Served by the
 * demo at /inapp-talk-sw.js; other hosts copy it to their own origin (a worker must be same-origin).
 */
const sw: UserConfig = {
  root,
  publicDir: false,
  logLevel: "warn",
  build: {
    outDir: resolve(root, "dist"),
    emptyOutDir: false,
    target: "es2022",
    reportCompressedSize: false,
    sourcemap: false,
    lib: { entry: resolve(root, "widget/sw/index.ts"), formats: ["iife"], name: "inappTalkSw", fileName: () => "inapp-talk-sw.js" },
    rolldownOptions: { output: { minify: true, comments: false } },
  },
};

export default defineConfig(({ mode }) => (mode === "demo" ? demo : mode === "sw" ? sw : widget));
