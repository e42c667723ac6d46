// Test data shared by the protocol tests (imports nothing, like the rest of protocol/).
/** A valid text entry for parser tests; `over` changes or breaks fields. */
export const entry = (seq: number, over: Record<string, unknown> = {}) => ({
  seq,
  id: `id_${String(seq).padStart(8, "0")}`,
  user: "u1",
  name: "Alice",
  kind: "text",
  text: `message ${seq}`,
  ts: 1_700_000_000_000 + seq,
  ...over,
});
