/**
 * The words of call notifications, per language (messages carry only the sender's name and text).
 * The server does not know a device's language: the widget sends its `lang` with the subscription,
 * and each device gets its pushes in that language (English when it sent none).
 */
import { isPushLang, type PushLang } from "../../user/push-store.ts";

export type { PushLang };

export interface PushStrings {
  incoming: { audio: string; video: string };
  missed: { audio: string; video: string };
  answer: string;
  decline: string;
  /** The ring was taken care of (on this device or another): it quietly replaces the ringing notification. */
  answered: string;
  declined: string;
}

const STRINGS: Record<PushLang, PushStrings> = {
  en: {
    incoming: { audio: "Incoming call", video: "Incoming video call" },
    missed: { audio: "Missed call", video: "Missed video call" },
    answer: "Answer",
    decline: "Decline",
    answered: "Call answered",
    declined: "Call declined",
  },
  ko: {
    incoming: { audio: "음성 통화 수신", video: "영상 통화 수신" },
    missed: { audio: "부재중 전화", video: "부재중 영상 통화" },
    answer: "받기",
    decline: "거절",
    answered: "통화를 받았습니다",
    declined: "통화를 거절했습니다",
  },
};

/** The strings of `lang`; English for anything else (a subscription from before languages, a bad value). */
export function pushStrings(lang: unknown): PushStrings {
  return STRINGS[isPushLang(lang) ? lang : "en"];
}
