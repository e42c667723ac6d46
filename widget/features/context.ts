/**
 * What the element lends its features (types.ts `FeatureContext`), built from its controllers so
 * the element file stays about attributes and rendering.
 */
import type { ChatController } from "../controllers/chat.ts";
import type { ConnectionController } from "../controllers/connection.ts";
import type { PresenceController } from "../controllers/presence.ts";
import type { ReadsController } from "../controllers/reads.ts";
import type { FeatureContext, FeatureHost } from "./types.ts";

export interface ElementParts {
  connection: ConnectionController;
  chat: ChatController;
  presence: PresenceController;
  reads: ReadsController;
}

export function featureContext(host: FeatureHost, { connection, chat, presence, reads }: ElementParts): Omit<FeatureContext, "frames"> {
  return {
    host,
    link: connection,
    unread: () => reads.unread(),
    recheckReads: () => reads.recheck(),
    self: () => chat.self,
    others: () => presence.others(chat.self?.user),
    peer: () => [...chat.messages].reverse().find((m) => m.user !== chat.self?.user) ?? presence.others(chat.self?.user)[0] ?? null,
    server: () => connection.server,
    token: () => connection.token(),
    claims: () => connection.claims,
  };
}
