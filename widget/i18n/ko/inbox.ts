import type { inbox } from "../en/inbox.ts";

/** Korean strings of the inbox: loaded when the inbox shows Korean. */
const ko: Record<keyof typeof inbox, string> = {
  "inbox.title": "대화 목록",
  "inbox.label": "대화 목록",
  "inbox.loading": "대화를 불러오는 중…",
  "inbox.loadingMore": "더 불러오는 중…",
  "inbox.empty": "아직 대화가 없습니다.",
  "inbox.error": "대화 목록을 불러오지 못했습니다. 다시 시도하는 중…",
  "inbox.back": "대화 목록으로 돌아가기",
  "inbox.you": "나",
  "inbox.online": "접속 중",
  "inbox.unread": "읽지 않은 메시지 {count}개",
  "inbox.noMessages": "아직 메시지가 없습니다",
  "inbox.announce": "{title}: 읽지 않은 메시지 {count}개",
  "inbox.total": "모든 대화에서 읽지 않은 메시지 {count}개",
};

export default ko;
