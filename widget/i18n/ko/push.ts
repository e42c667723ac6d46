import type { push } from "../en/push.ts";

/** Korean strings of web push: loaded when the push feature shows Korean. */
const ko: Record<keyof typeof push, string> = {
  "push.button": "알림",
  "push.title": "알림",
  "push.offer": "{name}님이 답하면 알림 받기",
  "push.offerAnyone": "답장이 오면 알림 받기",
  "push.offerOn": "알림 받기",
  "push.notNow": "나중에",
  "push.turnOn": "알림 켜기",
  "push.turnOff": "이 기기에서 알림 끄기",
  "push.mute": "이 대화 알림 끄기",
  "push.close": "닫기",
  "push.busy": "잠시만요…",
  "push.state.on": "이 기기에서 알림이 켜져 있습니다. 여기서 또는 브라우저의 사이트 설정에서 끌 수 있습니다.",
  "push.state.off": "알림이 꺼져 있습니다. 켜면 이 페이지를 닫아도 새 메시지와 전화를 알려 드립니다.",
  "push.state.denied": "이 사이트의 알림이 차단되어 있습니다. 주소 옆 아이콘에서 사이트 설정을 열어 알림을 허용한 뒤 페이지를 새로 고치세요.",
  "push.state.unsupported": "이 브라우저에서는 이 페이지의 알림을 받을 수 없습니다. iPhone과 iPad에서는 먼저 이 사이트를 홈 화면에 추가하세요.",
  "push.state.muted": "이 대화는 알림이 꺼져 있습니다.",
  "push.error.failed": "알림을 켜지 못했습니다. 잠시 후 다시 시도하세요.",
  "push.error.mute": "알림 설정을 바꾸지 못했습니다. 다시 시도하세요.",
};

export default ko;
