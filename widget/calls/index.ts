/**
 * Calls as a feature chunk: voice and video calls between two members, signaled through the room
 * and peer to peer (simple-peer, its own chunk, fetched when a call starts or rings). The element
 * loads this once someone could be called, or as soon as a call frame arrives — the registry
 * holds the frames that come while it loads and hands them over here, in order.
 */
import type { Feature, FeatureContext } from "../features/types.ts";
import { calls } from "../i18n/en/calls.ts";
import { callStyles } from "./calls.styles.ts";
import { CallsController } from "./controller.ts";
import { renderButtons, renderCall, renderCallEntry } from "./view.ts";

export default function install(ctx: FeatureContext): Feature {
  const controller = new CallsController(ctx);
  return {
    strings: { en: calls, ko: () => import("../i18n/ko/calls.ts") },
    styles: callStyles,
    slots: {
      header: (lang) => renderButtons(controller, lang, ctx.others()),
      call: (lang) => renderCall(controller, lang, ctx.others()),
    },
    kinds: { call: renderCallEntry },
    callStats: () => controller.stats(),
  };
}
