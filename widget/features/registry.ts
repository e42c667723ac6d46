/**
 * Where lazily loaded features plug into `<inapp-talk>`. A feature is a folder under widget/ whose
 * `index.ts` default-exports an installer; the element imports it with `import()` the first time it
 * is needed, so the bundler makes it a chunk in dist/chunks/ that the browser fetches next to
 * wherever inapp-talk.js came from. Pages that never need it never download it.
 *
 * The launcher layout was the first feature; calls and the inbox came the same way, attachments will:
 * 1. `widget/<name>/index.ts`: `export default (ctx: FeatureContext): Feature => …` (types.ts)
 *    (controllers it needs call `ctx.host.addController`, and `ctx.link.listen` to hear the room);
 * 2. one line in FEATURES below;
 * 3. `this.features.use("<name>")` where the element learns that it is needed, and/or its frame
 *    types in FRAME_OWNERS: the first such frame loads the chunk, and frames that arrive meanwhile
 *    are held and handed to it in order (`ctx.frames`).
 */
import { adoptStyles, type CSSResultOrNative } from "lit";
import type { ChatMessage, ServerMessage } from "../../protocol/index.ts";
import type { ConnectionListener } from "../controllers/connection.ts";
import { addCatalog, loadLang, type Lang } from "../i18n/index.ts";
import type { Feature, FeatureContext, Slot } from "./types.ts";

/** Every feature chunk, by name: the only list to extend. Slots render in this order (call buttons before the launcher's close). */
const FEATURES = {
  inbox: () => import("../inbox/index.ts"),
  calls: () => import("../calls/index.ts"),
  launcher: () => import("../launcher/index.ts"),
  push: () => import("../push/index.ts"),
} satisfies Record<string, () => Promise<{ default: (ctx: FeatureContext) => Feature }>>;

export type FeatureName = keyof typeof FEATURES;

/** Frames a lazy feature owns: a callee's tab must ring even if the calls chunk is not loaded yet. */
const FRAME_OWNERS: Partial<Record<ServerMessage["type"], FeatureName>> = { call: "calls", call_signal: "calls" };

export class Features implements ConnectionListener {
  private installed = new Map<FeatureName, Feature>();
  private loading = new Map<FeatureName, Promise<void>>();
  /** Owned frames that arrived before their feature took them, per feature. */
  private held = new Map<FeatureName, ServerMessage[]>();
  private sinks = new Map<FeatureName, (frame: ServerMessage) => void>();
  private awaited = new Set<FeatureName>();

  constructor(
    private ctx: Omit<FeatureContext, "frames">,
    private lang: () => Lang,
  ) {
    ctx.link.listen(this);
  }

  frame(frame: ServerMessage): void {
    const owner = FRAME_OWNERS[frame.type];
    if (!owner) return;
    const sink = this.sinks.get(owner);
    if (sink) return sink(frame);
    this.held.set(owner, [...(this.held.get(owner) ?? []), frame]);
    void this.use(owner, false);
  }

  /** Held frames are from a socket that is gone: the room tells a new one what still matters. */
  close(): void {
    this.held.clear();
  }

  reset(): void {
    this.held.clear();
  }

  private attach(name: FeatureName, sink: (frame: ServerMessage) => void): void {
    this.sinks.set(name, sink);
    const held = this.held.get(name) ?? [];
    this.held.delete(name);
    for (const frame of held) sink(frame);
  }

  /**
   * Imports and installs a feature once; resolves when it can render in the language asked for.
   * `awaited` = false for a feature that shows up when it is ready (call buttons): the element's
   * `updateComplete` (and so `inapp-talk-ready`) does not wait for it.
   */
  use(name: FeatureName, awaited = true): Promise<void> {
    if (awaited) this.awaited.add(name);
    let load = this.loading.get(name);
    if (!load) {
      load = FEATURES[name]()
        .then(async ({ default: install }) => {
          const feature = install({ ...this.ctx, frames: (sink) => this.attach(name, sink) });
          if (feature.strings) addCatalog(feature.strings);
          await loadLang(this.lang());
          const root = this.ctx.host.renderRoot;
          if (feature.styles && root instanceof ShadowRoot) {
            const own = (this.ctx.host.constructor as { elementStyles?: CSSResultOrNative[] }).elementStyles ?? [];
            adoptStyles(root, [...own, ...[...this.installed.values()].flatMap((f) => f.styles ?? []), feature.styles]);
          }
          this.installed.set(name, feature);
          this.ctx.host.requestUpdate();
        })
        .catch((err: unknown) => {
          // Tried again the next time the element asks for it.
          this.loading.delete(name);
          console.warn(`[inapp-talk] ${name} not loaded:`, err);
        });
      this.loading.set(name, load);
    }
    return load;
  }

  has(name: FeatureName): boolean {
    return this.installed.has(name);
  }

  get(name: FeatureName): Feature | undefined {
    return this.installed.get(name);
  }

  /** Settles when every awaited feature asked for so far is installed (or failed to load). */
  settled(): Promise<unknown> {
    return Promise.all([...this.loading].filter(([name]) => this.awaited.has(name)).map(([, load]) => load));
  }

  render(slot: Slot, lang: Lang): unknown[] {
    return (Object.keys(FEATURES) as FeatureName[]).map((name) => this.installed.get(name)?.slots?.[slot]?.(lang));
  }

  /** The installed renderer of this entry's kind, if any. */
  renderKind(m: ChatMessage, lang: Lang): unknown {
    for (const f of this.installed.values()) {
      const draw = f.kinds?.[m.kind];
      if (draw) return draw(m, lang);
    }
    return undefined;
  }
}
