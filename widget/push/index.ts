/**
 * Web push as a feature chunk (`<inapp-talk push>`): a bell with the current state and how to undo
 * it, an offer in context after the user sends a message, a per-conversation mute. Loaded once
 * the user has joined a room with the `push` attribute; it never asks for permission by itself.
 */
import type { Feature, FeatureContext } from "../features/types.ts";
import { push } from "../i18n/en/push.ts";
import { PushController } from "./controller.ts";
import { pushStyles } from "./push.styles.ts";
import { renderBell, renderPushArea } from "./view.ts";

export default function install(ctx: FeatureContext): Feature {
  const controller = new PushController(ctx);
  return {
    strings: { en: push, ko: () => import("../i18n/ko/push.ts") },
    styles: pushStyles,
    slots: {
      header: (lang) => renderBell(controller, lang),
      call: (lang) => renderPushArea(controller, lang, ctx.peer()?.name ?? null),
    },
  };
}
