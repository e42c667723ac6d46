/**
 * Which language the widget shows. Every language but English is a chunk (i18n/index.ts), so on
 * the first render nothing is shown until the asked-for language has loaded, and after `lang`
 * changes the previous language stays until the new one is there: text never flashes in a
 * language nobody asked for.
 */
import type { ReactiveController, ReactiveControllerHost } from "lit";
import { loadLang, resolveLang, type Lang } from "../i18n/index.ts";

export class LanguageController implements ReactiveController {
  /** The language on screen; null until its strings have loaded (render nothing before). */
  shown: Lang | null = null;
  /** Settles once the language asked for is on screen. */
  loaded: Promise<unknown> = Promise.resolve();
  private pending: Lang | null = null;

  constructor(private host: ReactiveControllerHost & { lang: string }) {
    host.addController(this);
  }

  /** The language asked for: the `lang` attribute, else the browser's. */
  get wanted(): Lang {
    return resolveLang(this.host.lang);
  }

  hostUpdate(): void {
    const lang = this.wanted;
    if (lang === this.pending) return;
    this.pending = lang;
    if (lang === "en") this.shown = lang;
    else
      this.loaded = loadLang(lang).then(() => {
        if (this.pending === lang) this.shown = lang;
        this.host.requestUpdate();
      });
  }
}
