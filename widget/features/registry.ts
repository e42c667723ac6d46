/**
 * Where lazily loaded features plug into `<inapp-talk>`. A feature is a folder under widget/ whose
 * `index.ts` default-exports an installer; the element imports it with `import()` the first time it
 * is needed, so the bundler makes it a chunk in dist/chunks/ that the browser fetches next to
 * wherever inapp-talk.js came from. Pages that never need it never download it.
 *
 * The launcher layout is the first feature; calls, the inbox and attachments come the same way:
 * 1. `widget/<name>/index.ts`: `export default (ctx: FeatureContext): Feature => …` (types.ts)
 *    (controllers it needs call `ctx.host.addController`, and `ctx.link.listen` to hear the room);
 * 2. one line in FEATURES below;
 * 3. `this.features.use("<name>")` where the element learns that it is needed.
 */
import { adoptStyles, type CSSResultOrNative } from "lit";
import type { ChatMessage } from "../../protocol/index.ts";
import { addCatalog, loadLang, type Lang } from "../i18n/index.ts";
import type { Feature, FeatureContext, Slot } from "./types.ts";

/** Every feature chunk, by name: the only list to extend. */
const FEATURES = {
  launcher: () => import("../launcher/index.ts"),
} satisfies Record<string, () => Promise<{ default: (ctx: FeatureContext) => Feature }>>;

export type FeatureName = keyof typeof FEATURES;

export class Features {
  private installed = new Map<FeatureName, Feature>();
  private loading = new Map<FeatureName, Promise<void>>();

  constructor(
    private ctx: FeatureContext,
    private lang: () => Lang,
  ) {}

  /** Imports and installs a feature once; resolves when it can render in the language asked for. */
  use(name: FeatureName): Promise<void> {
    let load = this.loading.get(name);
    if (!load) {
      load = FEATURES[name]()
        .then(async ({ default: install }) => {
          const feature = install(this.ctx);
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

  /** Settles when every feature asked for so far is installed (or failed to load). */
  settled(): Promise<unknown> {
    return Promise.all(this.loading.values());
  }

  render(slot: Slot, lang: Lang): unknown[] {
    return [...this.installed.values()].map((f) => f.slots?.[slot]?.(lang));
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
