/**
 * The hosted demo: pick a name, get a fresh guest room and a link to share. The widget is loaded
 * exactly as a host site would load it: a module script tag pointing at /inapp-talk.js.
 */
import { openShop, savedShop, type Shop } from "./seller.ts";
import { strings, type DemoLang } from "./strings.ts";

const GUEST_PREFIX = "demo-";
const ROOM_PATTERN = /^[A-Za-z0-9_-]{1,128}$/;
const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

const params = new URLSearchParams(location.search);
const invitedRoom = params.get("room");
let lang: DemoLang = pick(params.get("lang") ?? store("lang") ?? navigator.language, ["en", "ko"], "en");
let theme = pick(params.get("theme") ?? store("theme") ?? "light", ["light", "dark", "auto"], "light");
let layout = pick(params.get("layout") ?? store("layout") ?? "inline", ["inline", "launcher"], "inline");

loadWidget();
applyLang();
applyTheme();
applyLayout();
if (params.has("seller")) void showSeller();
else if (params.has("buyer")) showBuyer(Number(params.get("buyer")));
else showJoin();

function loadWidget(): void {
  if (document.querySelector("script[data-inapp-talk]")) return;
  const script = document.createElement("script");
  script.type = "module";
  script.src = "/inapp-talk.js";
  script.dataset.inappTalk = "";
  document.head.append(script);
}

function showJoin(): void {
  const valid = invitedRoom && ROOM_PATTERN.test(invitedRoom) && invitedRoom.startsWith(GUEST_PREFIX);
  const name = store("name");
  const nameInput = $<HTMLInputElement>("name");
  if (name) nameInput.value = name;
  $("join").hidden = false;
  if (valid) {
    $("join-title").textContent = strings[lang].joinTitle;
    $("join-text").textContent = strings[lang].joinText.replace("{room}", invitedRoom);
    $("join-button").textContent = strings[lang].join;
  }
  $<HTMLFormElement>("join-form").addEventListener("submit", (e) => {
    e.preventDefault();
    const chosen = nameInput.value.trim();
    if (!chosen) return;
    store("name", chosen);
    const room = valid ? invitedRoom : newRoomId();
    if (!valid) history.replaceState(null, "", `/?room=${room}`);
    enterRoom(room, chosen);
  });
  nameInput.focus();
}

function enterRoom(room: string, name: string): void {
  $("join").hidden = true;
  $("room").hidden = false;
  const el = document.createElement("inapp-talk");
  el.setAttribute("room", room);
  el.setAttribute("guest", "");
  el.setAttribute("name", name);
  el.setAttribute("lang", lang);
  el.setAttribute("theme", theme);
  el.setAttribute("layout", layout);
  // Web push: a bell, and an offer after the first message; the worker is served at /inapp-talk-sw.js.
  el.setAttribute("push", "");
  if (layout === "launcher") el.setAttribute("open", "");
  el.addEventListener("inapp-talk-unread", (e) => {
    const { count } = (e as CustomEvent<{ count: number }>).detail;
    document.title = `${count ? `(${count}) ` : ""}inapp-talk · ${room}`;
  });
  $("chat").querySelector("inapp-talk")?.remove();
  $("chat").append(el);
  const link = `${location.origin}/?room=${room}`;
  $<HTMLInputElement>("share").value = link;
  $("snippet").querySelector("code")!.textContent = snippet(room);
  document.title = `inapp-talk · ${room}`;
}

/** The seller's inbox: every buyer's conversation in one widget (`<inapp-talk inbox>`). */
async function showSeller(fresh = false): Promise<void> {
  $("shop").hidden = false;
  const status = $("shop-status");
  status.hidden = false;
  status.textContent = strings[lang].shopLoading;
  let shop: Shop;
  try {
    shop = (!fresh && savedShop()) || (await openShop(store("name") || strings[lang].sellerName, lang));
  } catch {
    status.textContent = strings[lang].shopFailed;
    return;
  }
  status.hidden = true;
  const el = document.createElement("inapp-talk");
  el.setAttribute("inbox", "");
  el.setAttribute("token", shop.token);
  const open = params.get("chat");
  if (open && shop.rooms.some((r) => r.room === open)) el.setAttribute("room", open);
  for (const [name, value] of [
    ["lang", lang],
    ["theme", theme],
    ["layout", layout],
  ])
    el.setAttribute(name!, value!);
  if (layout === "launcher") el.setAttribute("open", "");
  // The host keeps its own URL in step with what the inbox shows, so a reload reopens it.
  el.addEventListener("inapp-talk-conversation", (e) => {
    const { room } = (e as CustomEvent<{ room: string | null }>).detail;
    history.replaceState(null, "", room ? `/?seller&chat=${room}` : "/?seller");
  });
  el.addEventListener("inapp-talk-unread", (e) => {
    const { count } = (e as CustomEvent<{ count: number }>).detail;
    document.title = `${count ? `(${count}) ` : ""}inapp-talk · ${strings[lang].shopTitle}`;
  });
  $("shop-chat").querySelector("inapp-talk")?.remove();
  $("shop-chat").append(el);
  const list = $("buyers");
  list.replaceChildren(
    ...shop.rooms.map((r, i) => {
      const a = document.createElement("a");
      a.href = `/?buyer=${i + 1}`;
      a.target = "_blank";
      a.rel = "noopener";
      a.textContent = strings[lang].writeAs.replace("{name}", r.buyer.name);
      const li = document.createElement("li");
      li.append(a);
      return li;
    }),
  );
}

/** One buyer's side of a demo shop (opened from the seller view, in another tab). */
function showBuyer(n: number): void {
  const r = savedShop()?.rooms[n - 1];
  if (!r) return showJoin();
  $("room").hidden = false;
  const el = document.createElement("inapp-talk");
  el.setAttribute("room", r.room);
  el.setAttribute("token", r.buyer.token);
  for (const [name, value] of [
    ["lang", lang],
    ["theme", theme],
    ["layout", layout],
  ])
    el.setAttribute(name!, value!);
  $("chat").append(el);
  $("side").hidden = true;
  document.title = `inapp-talk · ${r.buyer.name}`;
}

function snippet(room: string): string {
  return [`<script type="module" src="${location.origin}/inapp-talk.js"></script>`, `<inapp-talk room="${room}" guest name="Your name"></inapp-talk>`].join(
    "\n",
  );
}

function newRoomId(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return GUEST_PREFIX + Array.from(bytes, (b) => (b % 36).toString(36)).join("");
}

document.addEventListener("click", async (e) => {
  const button = (e.target as HTMLElement).closest<HTMLButtonElement>("button[data-copy]");
  if (!button) return;
  const source = $(button.dataset.copy!);
  const text = source instanceof HTMLInputElement ? source.value : (source.textContent ?? "");
  try {
    await navigator.clipboard.writeText(text);
  } catch {
    // Clipboard API needs a secure context or permission: fall back to selecting the text.
    getSelection()?.selectAllChildren(source);
    if (source instanceof HTMLInputElement) source.select();
  }
  button.textContent = strings[lang].copied;
  setTimeout(() => (button.textContent = strings[lang][button.dataset.i18n as keyof (typeof strings)["en"]] ?? ""), 1500);
});

$("new-shop").addEventListener("click", () => void showSeller(true));

$<HTMLSelectElement>("lang").addEventListener("change", (e) => {
  lang = pick((e.target as HTMLSelectElement).value, ["en", "ko"], "en");
  store("lang", lang);
  applyLang();
});
$<HTMLSelectElement>("theme").addEventListener("change", (e) => {
  theme = pick((e.target as HTMLSelectElement).value, ["light", "dark", "auto"], "light");
  store("theme", theme);
  applyTheme();
});

function applyLang(): void {
  document.documentElement.lang = lang;
  $<HTMLSelectElement>("lang").value = lang;
  for (const node of document.querySelectorAll<HTMLElement>("[data-i18n]")) {
    const text = strings[lang][node.dataset.i18n as keyof (typeof strings)["en"]];
    if (text) node.textContent = text;
  }
  $<HTMLInputElement>("name").placeholder = strings[lang].yourName;
  if (invitedRoom && !$("join").hidden && invitedRoom.startsWith(GUEST_PREFIX)) {
    $("join-title").textContent = strings[lang].joinTitle;
    $("join-text").textContent = strings[lang].joinText.replace("{room}", invitedRoom);
    $("join-button").textContent = strings[lang].join;
  }
  document.querySelector("inapp-talk")?.setAttribute("lang", lang);
}

$<HTMLSelectElement>("layout").addEventListener("change", (e) => {
  layout = pick((e.target as HTMLSelectElement).value, ["inline", "launcher"], "inline");
  store("layout", layout);
  applyLayout();
});

function applyLayout(): void {
  $<HTMLSelectElement>("layout").value = layout;
  $("chat").dataset.layout = layout;
  const el = document.querySelector("inapp-talk");
  el?.setAttribute("layout", layout);
  if (layout === "launcher") el?.setAttribute("open", "");
}

function applyTheme(): void {
  document.documentElement.dataset.theme = theme;
  $<HTMLSelectElement>("theme").value = theme;
  document.querySelector("inapp-talk")?.setAttribute("theme", theme);
}

function pick<T extends string>(value: string, allowed: readonly T[], fallback: T): T {
  const base = value.toLowerCase().split("-")[0] as T;
  return allowed.includes(base) ? base : fallback;
}

function store(key: string, value?: string): string | null {
  try {
    if (value !== undefined) localStorage.setItem(`inapp-talk-demo:${key}`, value);
    return localStorage.getItem(`inapp-talk-demo:${key}`);
  } catch {
    return null;
  }
}
