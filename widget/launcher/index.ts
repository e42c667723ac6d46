/**
 * The launcher layout (`layout="launcher"`) as a feature chunk: a floating bubble with an unread
 * badge that opens the panel as a dialog. Loaded only by pages that use it.
 */
import { nothing } from "lit";
import type { Feature, FeatureContext } from "../features/types.ts";
import { launcher } from "../i18n/en/launcher.ts";
import { LauncherController } from "./controller.ts";
import { launcherStyles } from "./launcher.styles.ts";
import { renderClose, renderLauncher } from "./view.ts";

export default function install({ host, unread, recheckReads }: FeatureContext): Feature {
  const controller = new LauncherController(host, recheckReads);
  return {
    strings: { en: launcher, ko: () => import("../i18n/ko/launcher.ts") },
    styles: launcherStyles,
    slots: {
      header: (lang) => (controller.active ? renderClose(lang, controller.toggle) : nothing),
      end: (lang) => (controller.active ? renderLauncher(lang, host.open, unread(), controller.toggle) : nothing),
    },
  };
}
