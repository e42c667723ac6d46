// A/B variants of our room for `npm run bench -- --ab`: the same snapshot bundle with one lever undone,
// so the table shows what each lever buys on this machine. Patches are textual on wrangler's
// (unminified) bundle; when the code they target has changed, the variant is skipped with a note.

const replaceOnce = (text, pattern, replacement, what) => {
  if (!pattern.test(text)) throw new Error(`cannot build variant: ${what} not found in the bundle`);
  return text.replace(pattern, replacement);
};

export const VARIANTS = [
  {
    label: ", no group commit",
    what: "every send is written, acked and broadcast in its own event (GroupCommit.push flushes at once)",
    patch: (js) =>
      replaceOnce(
        js,
        /push\(item\) \{\s*this\.queue\.push\(item\);\s*if \(!this\.syncing\) this\.drain\(\);\s*\}/,
        "push(item) {\n    this.flush([item]);\n  }",
        "GroupCommit.push",
      ),
  },
  {
    label: ", partyserver broadcast()",
    what: "each message serialized and sent with partyserver's broadcast(), which reads every socket's attachment",
    patch: (js) =>
      replaceOnce(
        js,
        /broadcastNew\(stored\) \{/,
        'broadcastNew(stored) {\n    for (const s of stored) this.broadcast(JSON.stringify({ type: "message", message: s.message }), [s.from.id]);\n    return;',
        "Room.broadcastNew",
      ),
  },
  {
    label: ", presence off",
    what: "diagnostic, not a lever: no presence snapshot on join and no join/leave notices (what presence costs per connect)",
    patch: (js) => {
      let out = replaceOnce(js, /\bonline\(\) \{/, "online() {\n    return [];", "Presence.online");
      out = replaceOnce(out, /\bjoined\(conn, identity\) \{/, "joined(conn, identity) {\n    return;", "Presence.joined");
      return replaceOnce(out, /\bleft\(conn, identity\) \{/, "left(conn, identity) {\n    return;", "Presence.left");
    },
  },
  {
    label: ", cached partyserver meta",
    what: "candidate fix, not in the room: partyserver's per-message isPartyServerWebSocket() reads the socket's attachment through its WeakMap cache instead of deserializing it on every message",
    patch: (js) =>
      replaceOnce(
        js,
        /(function tryGetPartyServerMeta\(ws\) \{\s*try \{\s*)const attachment = WebSocket\.prototype\.deserializeAttachment\.call\(ws\);/,
        "$1const attachment = attachments.get(ws);",
        "partyserver tryGetPartyServerMeta",
      ),
  },
];
