// Page-side WebRTC probes that need no widget: ICE servers from GET /api/ice, candidate gathering and
// a bare two-peer connection in one page. They check TURN credentials against the real coturn
// independently of the call UI.
import type { Page } from "playwright-core";

export interface IceServerJson {
  urls: string | string[];
  username?: string;
  credential?: string;
}

export interface IceAnswer {
  status: number;
  body: { iceServers?: IceServerJson[]; ttl?: number; error?: unknown };
}

const toHttp = (origin: string) => origin.replace("//localhost:", "//127.0.0.1:");

/** GET /api/ice as the widget calls it (from node: same request, no CORS involved). */
export async function fetchIce(origin: string, token: string | null): Promise<IceAnswer> {
  const res = await fetch(`${toHttp(origin)}/api/ice`, token ? { headers: { authorization: `Bearer ${token}` } } : {});
  return { status: res.status, body: (await res.json()) as IceAnswer["body"] };
}

export interface Gathered {
  candidates: string[];
  /** icecandidateerror events: TURN answers such as 401 land here. */
  errors: Array<{ errorCode: number; errorText: string; url: string }>;
}

/**
 * Gathers ICE candidates in the page (a data channel offer) until gathering completes, `timeoutMs`
 * passes, or — Chromium keeps gathering on loopback for ~10 s — 500 ms after the first relay candidate.
 */
export function gather(page: Page, iceServers: IceServerJson[], policy: RTCIceTransportPolicy, timeoutMs = 10_000): Promise<Gathered> {
  return page.evaluate(
    async ({ iceServers, policy, timeoutMs }) => {
      const pc = new RTCPeerConnection({ iceServers, iceTransportPolicy: policy });
      const out = { candidates: [] as string[], errors: [] as Array<{ errorCode: number; errorText: string; url: string }> };
      pc.onicecandidateerror = (e) => out.errors.push({ errorCode: e.errorCode, errorText: e.errorText, url: e.url });
      const done = new Promise<void>((resolve) => {
        pc.onicecandidate = (e) => {
          if (!e.candidate) return resolve();
          out.candidates.push(e.candidate.candidate);
          if (/ typ relay/.test(e.candidate.candidate)) setTimeout(resolve, 500);
        };
        setTimeout(resolve, timeoutMs);
      });
      pc.createDataChannel("probe");
      await pc.setLocalDescription(await pc.createOffer());
      await done;
      pc.close();
      return out;
    },
    { iceServers, policy, timeoutMs },
  );
}

export interface BarePair {
  /** The message the answerer's data channel received. */
  received: string | null;
  /** candidateType of the selected pair's local and remote candidate, per side. */
  selected: Array<{ local: string | undefined; remote: string | undefined }>;
  /** candidateType of every local candidate each side's stats know. */
  localTypes: string[][];
}

/**
 * Two RTCPeerConnections in one page, both relay-only through `iceServers`, connected by passing
 * descriptions and candidates directly; a data channel message proves data went through the relay.
 */
export function barePairOverRelay(page: Page, iceServers: IceServerJson[], timeoutMs = 15_000): Promise<BarePair> {
  return page.evaluate(
    async ({ iceServers, timeoutMs }) => {
      const config: RTCConfiguration = { iceServers, iceTransportPolicy: "relay" };
      const a = new RTCPeerConnection(config);
      const b = new RTCPeerConnection(config);
      a.onicecandidate = (e) => e.candidate && b.addIceCandidate(e.candidate);
      b.onicecandidate = (e) => e.candidate && a.addIceCandidate(e.candidate);
      const channel = a.createDataChannel("probe");
      const received = new Promise<string | null>((resolve) => {
        b.ondatachannel = (e) => (e.channel.onmessage = (m) => resolve(String(m.data)));
        setTimeout(() => resolve(null), timeoutMs);
      });
      channel.onopen = () => channel.send("through the relay");
      await a.setLocalDescription(await a.createOffer());
      await b.setRemoteDescription(a.localDescription!);
      await b.setLocalDescription(await b.createAnswer());
      await a.setRemoteDescription(b.localDescription!);
      const message = await received;
      const summary = async (pc: RTCPeerConnection) => {
        const stats = [...(await pc.getStats()).values()] as Array<Record<string, any>>;
        const byId = new Map(stats.map((s) => [s.id, s]));
        const transport = stats.find((s) => s.type === "transport");
        const pair = byId.get(transport?.selectedCandidatePairId);
        return {
          selected: { local: byId.get(pair?.localCandidateId)?.candidateType, remote: byId.get(pair?.remoteCandidateId)?.candidateType },
          localTypes: stats.filter((s) => s.type === "local-candidate").map((s) => s.candidateType as string),
        };
      };
      const [sa, sb] = [await summary(a), await summary(b)];
      a.close();
      b.close();
      return { received: message, selected: [sa.selected, sb.selected], localTypes: [sa.localTypes, sb.localTypes] };
    },
    { iceServers, timeoutMs },
  );
}

/** `typ <type>` of an a=candidate line. */
export const candidateType = (line: string) => / typ (\w+)/.exec(line)?.[1];
