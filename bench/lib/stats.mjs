// Percentiles, medians and plain-text tables.

/** Nearest-rank percentile of a numeric array (sorted copy; the input is left alone). */
export function percentiles(values, ps = [50, 95, 99]) {
  const sorted = Float64Array.from(values).sort();
  const out = {};
  for (const p of ps) {
    out[`p${p}`] = sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : NaN;
  }
  out.max = sorted.length ? sorted[sorted.length - 1] : NaN;
  out.n = sorted.length;
  return out;
}

export function median(values) {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (!v.length) return NaN;
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/** Median with the min–max of the repetitions, e.g. "3.52 (3.10–4.02)". */
export function medSpread(values, digits = 2) {
  const v = values.filter((x) => Number.isFinite(x));
  if (!v.length) return "–";
  const m = fmt(median(v), digits);
  if (v.length === 1) return m;
  return `${m} (${fmt(Math.min(...v), digits)}–${fmt(Math.max(...v), digits)})`;
}

export function fmt(x, digits = 2) {
  if (x === undefined || x === null || Number.isNaN(x)) return "–";
  if (typeof x !== "number") return String(x);
  if (Number.isInteger(x) && Math.abs(x) < 1000) return String(x);
  if (Math.abs(x) >= 1000) return Math.round(x).toLocaleString("en-US");
  if (Math.abs(x) >= 100) return x.toFixed(Math.min(digits, 1));
  return x.toFixed(digits);
}

/** Prints an aligned table with a title. `rows` are arrays of cells (strings or numbers). */
export function printTable(title, header, rows) {
  const cells = [header, ...rows].map((r) => r.map((c) => (typeof c === "number" ? fmt(c) : String(c ?? "–"))));
  const widths = header.map((_, i) => Math.max(...cells.map((r) => (r[i] ?? "").length)));
  const line = (r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join("  ");
  console.log(`\n${title}`);
  console.log(line(cells[0]));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const r of cells.slice(1)) console.log(line(r));
}
