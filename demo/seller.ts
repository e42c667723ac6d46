/**
 * The demo's seller view (`/?seller`): the server makes three guest rooms with a buyer each
 * (`POST /api/guest/seller`), the buyers ask their first questions (this page writes them with the
 * buyers' tokens, over the same WebSocket protocol the widget speaks), and the seller's
 * `<inapp-talk inbox>` lists the conversations, live. `/?buyer=<n>` opens buyer n's side in
 * another tab, so a visitor sees a row jump to the top with its count as they write.
 */
import type { DemoLang } from "./strings.ts";

export interface Shop {
  user: string;
  key: string;
  token: string;
  expires_at: number;
  rooms: Array<{ room: string; buyer: { user: string; name: string; token: string } }>;
}

const KEY = "inapp-talk-demo:shop";

/** What each buyer asks first (Mina once, Joon twice, Alex three times: the counts differ). */
const QUESTIONS: Record<DemoLang, string[][]> = {
  en: [
    ["Hi! Is the blue denim jacket still available?"],
    ["Can you ship to Busan?", "Tomorrow would be great."],
    ["Does the camera come with a lens?", "And the original box?", "I can pay today."],
  ],
  ko: [
    ["안녕하세요! 파란 데님 재킷 아직 있나요?"],
    ["부산으로 배송 가능한가요?", "내일 받을 수 있으면 좋겠어요."],
    ["카메라에 렌즈도 포함인가요?", "원래 박스도 있나요?", "오늘 결제할 수 있어요."],
  ],
};

/** The shop this browser made before, while its tokens are good for another hour. */
export function savedShop(): Shop | null {
  try {
    const shop = JSON.parse(localStorage.getItem(KEY) ?? "null") as Shop | null;
    return shop && shop.expires_at * 1000 > Date.now() + 3600_000 ? shop : null;
  } catch {
    return null;
  }
}

/** Makes a new shop (rooms, buyers) and has the buyers write; a returning seller keeps their id. */
export async function openShop(name: string, lang: DemoLang): Promise<Shop> {
  const before = savedShop();
  const res = await fetch("/api/guest/seller", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ name, ...(before ? { user: before.user, key: before.key } : {}) }),
  });
  if (!res.ok) throw new Error(`POST /api/guest/seller answered ${res.status}`);
  const shop = (await res.json()) as Shop;
  localStorage.setItem(KEY, JSON.stringify(shop));
  // One after another, so the last buyer's question is the newest and tops the list.
  for (const [i, r] of shop.rooms.entries()) await ask(r.room, r.buyer.token, QUESTIONS[lang][i] ?? []);
  return shop;
}

/** Writes `texts` as a buyer: open the room, wait for `welcome`, send each and wait for its ack. */
async function ask(room: string, token: string, texts: string[]): Promise<void> {
  const url = `${location.origin.replace(/^http/, "ws")}/parties/room/${room}?token=${encodeURIComponent(token)}&v=1`;
  const ws = new WebSocket(url);
  const frames: Array<{ type?: string; id?: string }> = [];
  let wake = () => {};
  ws.addEventListener("message", (e) => {
    try {
      frames.push(JSON.parse(String(e.data)) as { type?: string; id?: string });
    } catch {
      // The heartbeat's "pong" is not JSON.
    }
    wake();
  });
  const until = (pred: (f: { type?: string; id?: string }) => boolean) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error("the room did not answer")), 10_000);
      const check = () => {
        if (!frames.some(pred)) return;
        clearTimeout(timer);
        resolve();
      };
      wake = check;
      ws.addEventListener("close", () => reject(new Error("the room closed the socket")), { once: true });
      check();
    });
  try {
    await until((f) => f.type === "welcome");
    for (const text of texts) {
      const id = `demo_${crypto.randomUUID()}`;
      ws.send(JSON.stringify({ type: "send", id, text }));
      await until((f) => f.type === "ack" && f.id === id);
    }
  } finally {
    ws.close();
  }
}
