/** Read positions: what each member has seen. */
import { fail, isRecord, isSeq, isStr, list, malformed, ok, type FrameParser } from "./result.ts";

export interface ReadReceipt {
  user: string;
  name: string;
  /** Highest sequence this user has read. */
  seq: number;
}

/** The user has seen every entry up to `seq`. */
export interface ReadFrame {
  type: "read";
  seq: number;
}

export type ReadsClientFrame = ReadFrame;

/** Read positions: all of them on join, then each change. */
export interface ReadsFrame {
  type: "reads";
  reads: ReadReceipt[];
}

export type ReadsServerFrame = ReadsFrame;

export const readsClientParsers: { [K in ReadsClientFrame["type"]]: FrameParser<ReadsClientFrame> } = {
  read: (data) => (isSeq(data.seq) ? ok({ type: "read", seq: data.seq }) : fail("invalid_message", "read.seq must be a non-negative integer.")),
};

export const readsServerParsers: { [K in ReadsServerFrame["type"]]: FrameParser<ReadsServerFrame> } = {
  reads: (d) => {
    const reads = list(d.reads, readReceipt);
    return reads ? ok({ type: "reads", reads }) : malformed("reads");
  },
};

function readReceipt(r: unknown): ReadReceipt | null {
  return isRecord(r) && isStr(r.user) && isStr(r.name) && isSeq(r.seq) ? { user: r.user, name: r.name, seq: r.seq } : null;
}
