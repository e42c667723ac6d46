/**
 * Entry of `inapp-talk.js`: loading it (by script tag or import) registers `<inapp-talk>`.
 * A second copy of the script on the same page is harmless.
 */
import { InappTalk } from "./inapp-talk.ts";

export { InappTalk };
export type { InappTalkEventMap, WidgetError, WidgetErrorCode } from "./events.ts";
export type { ChatMessage } from "../protocol/index.ts";

if (!customElements.get("inapp-talk")) customElements.define("inapp-talk", InappTalk);

declare global {
  interface HTMLElementTagNameMap {
    "inapp-talk": InappTalk;
  }
}
