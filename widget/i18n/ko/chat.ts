import type { chat } from "../en/chat.ts";

/**
 * Korean strings of the chat panel: a chunk loaded only when the widget shows Korean. Typed against
 * the English set, so a missing key fails to compile.
 */
const ko: Record<keyof typeof chat, string> = {
  "panel.label": "채팅",
  "messages.label": "메시지",
  "status.idle": "연결되지 않음",
  "status.connecting": "연결 중…",
  "status.connected": "연결됨",
  "status.reconnecting": "다시 연결하는 중…",
  "status.offline": "오프라인입니다. 다시 연결되면 메시지를 보냅니다.",
  "status.error": "채팅을 사용할 수 없음",
  "status.slowdown": "메시지를 너무 많이 보냈습니다. 잠시 후 다시 연결합니다…",
  "error.unauthorized": "채팅에 로그인되어 있지 않습니다 (접근 토큰이 유효하지 않음).",
  "error.forbidden": "이 대화에 참여할 권한이 없습니다.",
  "error.expired": "채팅 세션이 만료되었습니다. 페이지를 새로고침해 주세요.",
  "error.unsupported_version": "채팅을 업데이트해야 합니다. 페이지를 새로고침해 주세요.",
  "error.config": "채팅 설정이 올바르지 않습니다: {detail}",
  "error.text_too_long": "메시지가 너무 깁니다 ({count}/{max}자).",
  "error.read_only": "읽기 전용 대화입니다.",
  "error.not_member": "이 대화의 멤버가 아닙니다.",
  "error.room_full": "대화 인원이 가득 찼습니다.",
  "error.generic": "문제가 발생했습니다 ({code}).",
  "input.label": "메시지 작성",
  "input.placeholder": "메시지를 입력하세요…",
  "input.readOnly": "읽기 전용 대화입니다",
  "send.label": "보내기",
  "message.you": "나",
  "message.pending": "보내는 중…",
  "message.failed": "전송 실패",
  "message.retry": "다시 보내기",
  "message.announce": "{name}: {text}",
  "history.loading": "이전 메시지를 불러오는 중…",
  "history.start": "대화의 시작입니다.",
  "history.empty": "아직 메시지가 없습니다. 먼저 인사해 보세요!",
  "day.today": "오늘",
  "day.yesterday": "어제",
  "guest.prompt": "채팅에 참여하려면 이름을 입력하세요",
  "guest.name": "이름",
  "guest.join": "참여",
  "presence.label": "지금 접속 중",
  "presence.count": "{count}명 접속 중",
  "typing.one": "{name} 님이 입력 중…",
  "typing.two": "{a} 님과 {b} 님이 입력 중…",
  "typing.many": "여러 명이 입력 중…",
  "receipt.seen": "읽음",
  "receipt.seenBy": "{count}명 읽음",
  "receipt.seenByNames": "{names} 님이 읽음",
};

export default ko;
