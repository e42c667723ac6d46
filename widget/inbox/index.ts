/**
 * The inbox as a feature chunk (`<inapp-talk inbox>`): the signed-in user's conversations, live,
 * from their own object on the server; a row opens its conversation in the same element, with a
 * `back` control. Loaded only by pages that set `inbox`.
 */
import type { Feature, FeatureContext } from "../features/types.ts";
import { inbox } from "../i18n/en/inbox.ts";
import { InboxController } from "./controller.ts";
import { inboxStyles } from "./inbox.styles.ts";
import { renderBack, renderInbox } from "./view.ts";

export default function install({ host }: FeatureContext): Feature {
  const controller = new InboxController(host);
  const on = () => host.inbox;
  return {
    strings: { en: inbox, ko: () => import("../i18n/ko/inbox.ts") },
    styles: inboxStyles,
    slots: { start: (lang) => (on() && host.room ? renderBack(controller, lang) : undefined) },
    panel: (lang, end) => (on() && !host.room ? renderInbox(controller, lang, end) : undefined),
    title: () => controller.list.rows.find((c) => c.room === host.room)?.title,
    // Until the first page says otherwise the room's own count stands (and outside the inbox, always).
    unread: () => (on() && controller.list.loaded ? controller.list.total : undefined),
  };
}
