// The vocabulary of the call tests, through the widget's public surface only: the call parts
// (`call-button`, `incoming-call`, `accept`, `hangup`, `call-status[data-phase]`…), the
// `inapp-talk-call` event, `getCallStats()` and `part=message[data-kind=call]` entries. An init
// script keeps every track getUserMedia hands out, so "no camera light left on" is checked on the
// tracks themselves, and records the call events with the time they fired.
import type { Browser, Page } from "playwright-core";
import { expect, inject } from "vitest";
import { mintToken, type TokenRequest } from "./api.ts";
import { eventually, openWidget, WAIT_MS, type OpenOptions, type WidgetPage } from "./browser.ts";

export type Phase = "outgoing" | "incoming" | "connecting" | "connected" | "reconnecting" | "ended";

export interface CallEvent {
  phase: Phase;
  callId: string;
  kind: "audio" | "video";
  peer: { user: string; name: string };
  reason?: string;
  durationMs?: number;
  /** Date.now() in the page when it fired. */
  at: number;
}

/** Runs in the page before the host page's own scripts. */
const RECORD_CALLS = () => {
  const w = window as any;
  w.__callEvents = [];
  w.__tracks = [];
  document.addEventListener("inapp-talk-call", (e) => w.__callEvents.push({ ...JSON.parse(JSON.stringify((e as CustomEvent).detail)), at: Date.now() }));
  const gum = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
  navigator.mediaDevices.getUserMedia = async (c) => {
    const s = await gum(c);
    w.__tracks.push(...s.getTracks());
    return s;
  };
};

export interface Caller extends WidgetPage {
  user: string;
  name: string;
}

export interface CallerOptions extends Partial<Pick<TokenRequest, "call_seconds" | "relay">> {
  attrs?: Record<string, string>;
  widgetOrigin?: string;
  beforeLoad?: OpenOptions["beforeLoad"];
}

/** A user on the host page in their own browser context, widget ready, call events recorded. */
export async function openCaller(browser: Browser, room: string, user: string, name: string, o: CallerOptions = {}): Promise<Caller> {
  const origin = o.widgetOrigin ?? inject("serverOrigin");
  const claims = { ...(o.call_seconds !== undefined ? { call_seconds: o.call_seconds } : {}), ...(o.relay !== undefined ? { relay: o.relay } : {}) };
  const token = await mintToken(origin, { user, name, rooms: [room], ...claims });
  const wp = await openWidget(browser, {
    room,
    token,
    attrs: o.attrs,
    widgetOrigin: origin,
    beforeLoad: async (page) => {
      await page.addInitScript(RECORD_CALLS);
      await o.beforeLoad?.(page);
    },
  });
  return Object.assign(wp, { user, name });
}

/** Waits until the others in the room are shown as online, so the call buttons call the right person. */
export async function waitOnline(wp: Caller): Promise<void> {
  await wp.part("call-button").waitFor({ timeout: WAIT_MS });
}

export const callEvents = (wp: Caller): Promise<CallEvent[]> => wp.page.evaluate(() => (window as any).__callEvents as CallEvent[]);
export const phases = async (wp: Caller): Promise<Phase[]> => (await callEvents(wp)).map((e) => e.phase);

/** The phase `call-status` shows, or null when no call is on screen. */
export async function shownPhase(wp: Caller): Promise<string | null> {
  const status = wp.part("call-status");
  return (await status.count()) === 0 ? null : status.first().getAttribute("data-phase");
}

export async function waitPhase(wp: Caller, phase: Phase, timeout = WAIT_MS): Promise<void> {
  await eventually(async () => expect(await shownPhase(wp), `${wp.name}'s call-status`).toBe(phase), timeout);
}

/** Waits for this side's `ended` event and returns it. */
export async function waitEnded(wp: Caller, timeout = WAIT_MS): Promise<CallEvent> {
  return eventually(async () => {
    const ended = (await callEvents(wp)).filter((e) => e.phase === "ended");
    expect(ended, `${wp.name}'s ended event`).toHaveLength(1);
    return ended[0]!;
  }, timeout);
}

export interface MediaSummary {
  audioBytes: number;
  videoFrames: number;
  /** candidateType of the selected pair's local and remote candidates. */
  selected: { local?: string; remote?: string };
  /** candidateType of every local candidate in the stats. */
  localTypes: string[];
  remoteTypes: string[];
}

/** What getCallStats() says, summed up in the page; null when there is no call (or no peer yet). */
export function media(wp: Caller): Promise<MediaSummary | null> {
  return wp.page.evaluate(async () => {
    const report: RTCStatsReport | null = await (document.querySelector("inapp-talk") as any).getCallStats();
    if (!report) return null;
    const stats = [...report.values()] as Array<Record<string, any>>;
    const byId = new Map(stats.map((s) => [s.id, s]));
    let audioBytes = 0;
    let videoFrames = 0;
    for (const s of stats) {
      if (s.type !== "inbound-rtp") continue;
      if (s.kind === "audio") audioBytes += s.bytesReceived ?? 0;
      if (s.kind === "video") videoFrames += s.framesDecoded ?? 0;
    }
    const transport = stats.find((s) => s.type === "transport" && s.selectedCandidatePairId);
    const pair = byId.get(transport?.selectedCandidatePairId) ?? stats.find((s) => s.type === "candidate-pair" && s.nominated && s.state === "succeeded");
    return {
      audioBytes,
      videoFrames,
      selected: { local: byId.get(pair?.localCandidateId)?.candidateType, remote: byId.get(pair?.remoteCandidateId)?.candidateType },
      localTypes: stats.filter((s) => s.type === "local-candidate").map((s) => s.candidateType),
      remoteTypes: stats.filter((s) => s.type === "remote-candidate").map((s) => s.candidateType),
    };
  });
}

/** Inbound audio bytes (and decoded video frames, for video) grow between two readings. */
export async function expectMediaFlowing(wp: Caller, video: boolean): Promise<MediaSummary> {
  const first = await eventually(async () => {
    const m = await media(wp);
    expect(m?.audioBytes, `${wp.name}: inbound audio bytes`).toBeGreaterThan(0);
    if (video) expect(m?.videoFrames, `${wp.name}: decoded video frames`).toBeGreaterThan(0);
    return m!;
  });
  return eventually(async () => {
    const m = await media(wp);
    expect(m?.audioBytes, `${wp.name}: inbound audio bytes grow`).toBeGreaterThan(first.audioBytes);
    if (video) expect(m?.videoFrames, `${wp.name}: decoded video frames grow`).toBeGreaterThan(first.videoFrames);
    else expect(m?.videoFrames, `${wp.name}: no video in an audio call`).toBe(0);
    return m!;
  });
}

/** readyState of every track getUserMedia handed this page. */
export const trackStates = (wp: Caller): Promise<Array<{ kind: string; state: string }>> =>
  wp.page.evaluate(() => ((window as any).__tracks as MediaStreamTrack[]).map((t) => ({ kind: t.kind, state: t.readyState })));

/** Every track this page ever got is stopped (no camera or microphone left on). */
export async function expectTracksStopped(wp: Caller): Promise<void> {
  await eventually(async () => {
    const states = await trackStates(wp);
    expect(
      states.filter((t) => t.state !== "ended"),
      `${wp.name}: live tracks`,
    ).toEqual([]);
  });
}

/** Nothing of a call is left: no controls, no stats, and the call buttons are back. */
export async function expectIdle(wp: Caller): Promise<void> {
  await expectTracksStopped(wp);
  expect(await wp.part("hangup").count(), `${wp.name}: hangup part`).toBe(0);
  expect(await wp.part("incoming-call").count(), `${wp.name}: incoming-call part`).toBe(0);
  expect(await media(wp), `${wp.name}: getCallStats()`).toBeNull();
  await wp.part("call-button").waitFor({ timeout: WAIT_MS });
}

/** The `call` entries the widget shows (part=message, data-kind=call), by text. */
export const callEntries = (wp: Caller): Promise<string[]> =>
  wp.widget.locator('[part~="message"][data-kind="call"]').evaluateAll((els) => els.map((e) => (e.textContent ?? "").trim().replace(/\s+/g, " ")));

export async function waitCallEntry(wp: Caller, pattern: RegExp): Promise<string> {
  return eventually(async () => {
    const entries = await callEntries(wp);
    const hit = entries.find((e) => pattern.test(e));
    expect(hit, `${wp.name}: a call entry matching ${pattern} among ${JSON.stringify(entries)}`).toBeDefined();
    return hit!;
  });
}

/** Rings `callee` from `caller` (the only other person online, or picked from the list) and waits for the ring. */
export async function ring(caller: Caller, callee: Caller, kind: "audio" | "video", pick = false): Promise<void> {
  await caller.part(kind === "video" ? "video-call-button" : "call-button").click();
  if (pick) await caller.part("call-picker").locator(`button[data-user="${callee.user}"]`).click();
  await callee.part("incoming-call").waitFor({ timeout: WAIT_MS });
}

export async function closeAll(...wps: Array<Caller | undefined>): Promise<void> {
  await Promise.all(wps.map((wp) => wp?.context.close().catch(() => {})));
}

export type { Page };
