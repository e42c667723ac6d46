#!/usr/bin/env node
// `node scripts/check-deps.mjs [root]`: the dependency direction of docs/STYLE (widget → protocol ← party ← worker).
//   protocol/ imports nothing outside protocol/ (no package either: it runs on both sides)
//   widget/   never imports party/ or worker/;   party/ never imports worker/ or widget/;   worker/ never imports widget/
//   nothing outside widget/ imports widget/
//   no import cycle among the files of the four folders
// Every import counts: static, `import type`, `export … from`, `import("…")` and `typeof import("…")` — a type
// import in the wrong direction still ties one side's build to the other. Parsed with the TypeScript compiler
// (a dev dependency already), so comments and strings never look like imports.
// Tests (*.test.ts) may also import their runner and helpers outside the four folders, not another side.
// Prints one line per violation (`file: import "specifier" — rule`) and exits 1 when there is any.
import { readdirSync, readFileSync, statSync, existsSync } from "node:fs";
import { dirname, join, relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";

export const SIDES = ["protocol", "party", "worker", "widget"];

/** What each side must not import (folder names relative to the root; "package" = any bare specifier). */
const FORBIDDEN = {
  protocol: { outside: true, package: true },
  widget: { sides: ["party", "worker"] },
  party: { sides: ["worker", "widget"] },
  worker: { sides: ["widget"] },
};

/**
 * Every .ts file under the four side folders, as paths relative to `root` with forward slashes.
 * @param {string} root
 * @returns {string[]}
 */
export function sideFiles(root) {
  /** @type {string[]} */
  const out = [];
  /** @param {string} dir */
  const walk = (dir) => {
    for (const name of readdirSync(dir).sort()) {
      if (name === "node_modules" || name.startsWith(".")) continue;
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else if (name.endsWith(".ts")) out.push(toPosix(relative(root, path)));
    }
  };
  for (const side of SIDES) if (existsSync(join(root, side))) walk(join(root, side));
  return out;
}

/**
 * The module specifiers one file imports, with their 1-based line.
 * @param {string} fileName
 * @param {string} text
 * @returns {Array<{ specifier: string, line: number }>}
 */
export function importsOf(fileName, text) {
  const source = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, false, ts.ScriptKind.TS);
  /** @type {Array<{ specifier: string, line: number }>} */
  const found = [];
  /** @param {ts.Node | undefined} node */
  const add = (node) => {
    if (node && ts.isStringLiteralLike(node)) found.push({ specifier: node.text, line: source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1 });
  };
  /** @param {ts.Node} node */
  const visit = (node) => {
    if (ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) add(node.moduleSpecifier);
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) add(node.moduleReference.expression);
    else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword) add(node.arguments[0]);
    else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) add(node.argument.literal);
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

/**
 * Resolves a relative specifier to a path relative to `root`, trying the extensions TypeScript would.
 * @param {string} root
 * @param {string} from  importing file, relative to root
 * @param {string} specifier
 */
function resolveRelative(root, from, specifier) {
  const base = resolve(root, dirname(from), specifier);
  for (const candidate of [base, `${base}.ts`, join(base, "index.ts")]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return toPosix(relative(root, candidate));
  }
  return toPosix(relative(root, base)); // unresolved: still tells which folder it points into
}

/** @param {string} path */
const toPosix = (path) => path.split(sep).join("/");
/** @param {string} path */
const sideOf = (path) => {
  const top = path.split("/")[0] ?? "";
  return SIDES.includes(top) ? top : null;
};
/** @param {string} specifier */
const isRelative = (specifier) => specifier.startsWith("./") || specifier.startsWith("../") || specifier === "." || specifier === "..";

/**
 * Checks the tree at `root`; returns the violations, one readable line each (empty when clean).
 * @param {string} root
 * @returns {string[]}
 */
export function checkDeps(root) {
  /** @type {string[]} */
  const problems = [];
  /** @type {Map<string, string[]>} file → files it imports, within the four sides */
  const graph = new Map();
  for (const file of sideFiles(root)) {
    const side = /** @type {keyof typeof FORBIDDEN} */ (sideOf(file));
    const rules = FORBIDDEN[side];
    const isTest = file.endsWith(".test.ts");
    /** @type {string[]} */
    const edges = [];
    graph.set(file, edges);
    for (const { specifier, line } of importsOf(file, readFileSync(join(root, file), "utf8"))) {
      const where = `${file}:${line}: import "${specifier}"`;
      if (!isRelative(specifier)) {
        if ("package" in rules && rules.package && !isTest) problems.push(`${where} — ${side}/ imports no package`);
        continue;
      }
      const target = resolveRelative(root, file, specifier);
      const targetSide = target.startsWith("../") ? null : sideOf(target);
      if ("outside" in rules && rules.outside && targetSide !== side && (targetSide || !isTest))
        problems.push(`${where} — ${side}/ imports nothing outside ${side}/`);
      else if ("sides" in rules && targetSide && rules.sides.includes(targetSide)) problems.push(`${where} — ${side}/ must not import ${targetSide}/`);
      if (targetSide) edges.push(target);
    }
  }
  for (const cycle of findCycles(graph)) problems.push(`import cycle: ${[...cycle, cycle[0]].join(" → ")}`);
  return problems;
}

/**
 * One cycle per strongly connected component that has one (Tarjan), each starting at its first file by name.
 * @param {Map<string, string[]>} graph
 * @returns {string[][]}
 */
export function findCycles(graph) {
  let index = 0;
  /** @type {Map<string, number>} */
  const order = new Map();
  /** @type {Map<string, number>} */
  const low = new Map();
  /** @type {string[]} */
  const stack = [];
  const onStack = new Set();
  /** @type {string[][]} */
  const components = [];
  /** @param {string} v */
  const connect = (v) => {
    order.set(v, index);
    low.set(v, index);
    index++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!order.has(w)) {
        connect(w);
        low.set(v, Math.min(/** @type {number} */ (low.get(v)), /** @type {number} */ (low.get(w))));
      } else if (onStack.has(w)) low.set(v, Math.min(/** @type {number} */ (low.get(v)), /** @type {number} */ (order.get(w))));
    }
    if (low.get(v) === order.get(v)) {
      /** @type {string[]} */
      const component = [];
      let w;
      do {
        w = /** @type {string} */ (stack.pop());
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      if (component.length > 1 || (graph.get(v) ?? []).includes(v)) components.push(component);
    }
  };
  for (const v of [...graph.keys()].sort()) if (!order.has(v)) connect(v);
  return components.map((component) => {
    const members = new Set(component);
    const start = [...component].sort()[0] ?? "";
    return shortestCycle(graph, members, start);
  });
}

/**
 * The shortest path from `start` back to itself inside one component (breadth-first), as a list of files.
 * @param {Map<string, string[]>} graph
 * @param {Set<string>} members
 * @param {string} start
 */
function shortestCycle(graph, members, start) {
  /** @type {Map<string, string>} */
  const parent = new Map();
  const queue = [start];
  while (queue.length > 0) {
    const v = /** @type {string} */ (queue.shift());
    for (const w of [...new Set(graph.get(v) ?? [])].sort()) {
      if (!members.has(w)) continue;
      if (w === start) {
        const path = [v];
        while (path[0] !== start) path.unshift(/** @type {string} */ (parent.get(/** @type {string} */ (path[0]))));
        return path;
      }
      if (!parent.has(w)) {
        parent.set(w, v);
        queue.push(w);
      }
    }
  }
  return [start];
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const root = resolve(process.argv[2] ?? join(dirname(fileURLToPath(import.meta.url)), ".."));
  const problems = checkDeps(root);
  for (const line of problems) console.error(line);
  if (problems.length > 0) {
    console.error(`check-deps: ${problems.length} violation(s) of widget → protocol ← party ← worker`);
    process.exit(1);
  }
  console.log(`check-deps: ${sideFiles(root).length} files in ${SIDES.join(", ")}: imports go one way, no cycles`);
}
