/**
 * The room's features, in the order their join hooks run (and so the order of the frames a new
 * socket receives after `welcome`: presence, reads, then the first page). A new feature is one
 * folder and one line here.
 */
import type { RoomContext, RoomFeature } from "../feature.ts";
import type { MessageStore } from "../messages-store.ts";
import { calls, type Calls } from "./calls/index.ts";
import type { InboxDeliver } from "../user/inbox-types.ts";
import { chat } from "./chat/index.ts";
import { fallback, type ReachDirectory } from "./fallback/index.ts";
import { inbox, type Inbox } from "./inbox/index.ts";
import { liveness, type Liveness } from "./liveness/index.ts";
import { presence } from "./presence/index.ts";
import { probe, type Probe } from "./probe/index.ts";
import { push, type PushDirectory } from "./push/index.ts";
import { reads } from "./reads/index.ts";
import { webhooks } from "./webhooks/index.ts";

export interface Features {
  all: RoomFeature[];
  /** Kept by name for the room's test and diagnostic face (heartbeat ticks). */
  liveness: Liveness;
  /** The calls feature, for a decline that arrives from a push notification (not a socket). */
  calls: Calls;
  /** The inbox feature, for users' objects reading a large room's row (null: INBOX_INDEX=off). */
  inbox: Inbox | null;
  /** Only with INAPP_TALK_TEST_HOOKS=true. */
  probe: Probe | null;
}

/**
 * `contextFor(name)` gives each feature its own context (its timers are namespaced by name).
 * `inboxDeliver` reaches members' user objects; null turns the inbox feature off (INBOX_INDEX=off).
 * `users` reaches users' objects for push subscriptions and reachability; null where there are none (some tests).
 */
export function createFeatures(
  contextFor: (name: string) => RoomContext,
  messages: MessageStore,
  testHooks: boolean,
  inboxDeliver: InboxDeliver | null,
  users: (PushDirectory & ReachDirectory) | null = null,
): Features {
  const live = liveness(contextFor("liveness"), messages);
  const pushed = push(contextFor("push"), users);
  const call = calls(contextFor("calls"), pushed.calls);
  const all = [live, presence(contextFor("presence")), reads(contextFor("reads"), messages), chat(contextFor("chat"), messages), call];
  const index = inboxDeliver ? inbox(contextFor("inbox"), messages, inboxDeliver) : null;
  if (index) all.push(index);
  all.push(pushed, fallback(contextFor("fallback"), messages, users, pushed.calls !== null));
  // Last: its join hook only reads, and it follows the others' events.
  all.push(webhooks(contextFor("webhooks"), messages));
  const probed = testHooks ? probe(contextFor("probe")) : null;
  if (probed) all.push(probed);
  return { all, liveness: live, calls: call, inbox: index, probe: probed };
}
