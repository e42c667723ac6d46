/**
 * The Answer button of a ring notification opens (or focuses) the page with
 * `#inapp-talk-answer=<call>` (widget/sw): when that call rings here, it is answered at once.
 */
import { ANSWER_HASH } from "../sw/payload.ts";

/** True (once) when the page's URL asks to answer this call; the hint is then removed from the URL. */
export function takeAnswerHint(callId: string): boolean {
  if (location.hash !== `#${ANSWER_HASH}${encodeURIComponent(callId)}`) return false;
  history.replaceState(history.state, "", location.pathname + location.search);
  return true;
}
