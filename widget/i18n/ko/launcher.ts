import type { launcher } from "../en/launcher.ts";

/** Korean strings of the launcher layout: loaded when the launcher shows Korean. */
const ko: Record<keyof typeof launcher, string> = {
  "launcher.open": "채팅 열기",
  "launcher.close": "채팅 닫기",
  "launcher.unread": "읽지 않은 메시지 {count}개",
};

export default ko;
