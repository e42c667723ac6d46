import { css } from "lit";

/**
 * `layout="launcher"`: a floating bubble that opens the panel above it; on narrow screens the open
 * panel takes the whole viewport (dynamic viewport height, so the on-screen keyboard does not
 * hide the input) and keeps clear of notches and home indicators via safe-area insets. (The
 * host's own size is in the main styles: it must take no room before this chunk arrives.)
 */
export const launcherStyles = css`
  :host {
    --inapp-talk-offset: 20px;
  }
  [part="launcher"] {
    position: fixed;
    z-index: var(--inapp-talk-z-index, 2147483000);
    right: calc(var(--inapp-talk-offset) + env(safe-area-inset-right, 0px));
    bottom: calc(var(--inapp-talk-offset) + env(safe-area-inset-bottom, 0px));
    display: grid;
    place-items: center;
    width: 58px;
    height: 58px;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: var(--inapp-talk-accent);
    color: var(--inapp-talk-accent-text);
    box-shadow: var(--inapp-talk-shadow);
    cursor: pointer;
    transition: transform 0.15s ease;
  }
  .close {
    display: grid;
    place-items: center;
    width: 36px;
    height: 36px;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: var(--inapp-talk-muted);
    cursor: pointer;
  }
  .close:hover {
    background: var(--inapp-talk-surface);
  }
  .close svg {
    width: 20px;
    height: 20px;
  }
  [part="launcher"]:hover {
    transform: scale(1.05);
  }
  [part="launcher"] svg {
    width: 26px;
    height: 26px;
  }
  [part="badge"] {
    position: absolute;
    top: -4px;
    right: -4px;
    min-width: 22px;
    height: 22px;
    padding: 0 6px;
    border-radius: 11px;
    background: #d92d20;
    color: #fff;
    font-size: 12px;
    font-weight: 700;
    line-height: 22px;
    text-align: center;
    box-shadow: 0 0 0 2px var(--inapp-talk-bg);
  }
  :host([layout="launcher"]) [part="panel"] {
    position: fixed;
    z-index: var(--inapp-talk-z-index, 2147483000);
    right: calc(var(--inapp-talk-offset) + env(safe-area-inset-right, 0px));
    bottom: calc(var(--inapp-talk-offset) + 58px + 14px + env(safe-area-inset-bottom, 0px));
    width: min(380px, calc(100vw - 2 * var(--inapp-talk-offset)));
    height: min(620px, calc(100dvh - 58px - 14px - 3 * var(--inapp-talk-offset)));
    min-height: 0;
    box-shadow: var(--inapp-talk-shadow);
    transform-origin: bottom right;
    transition:
      opacity 0.16s ease,
      transform 0.16s ease,
      visibility 0.16s;
  }
  :host([layout="launcher"]:not([open])) [part="panel"] {
    opacity: 0;
    transform: translateY(12px) scale(0.98);
    visibility: hidden;
    pointer-events: none;
  }
  @media (max-width: 480px) {
    :host([layout="launcher"][open]) [part="panel"] {
      inset: 0;
      width: 100%;
      height: 100vh;
      height: 100dvh;
      border: 0;
      border-radius: 0;
      padding: env(safe-area-inset-top, 0px) env(safe-area-inset-right, 0px) env(safe-area-inset-bottom, 0px) env(safe-area-inset-left, 0px);
    }
    :host([layout="launcher"][open]) [part="launcher"] {
      display: none;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    :host([layout="launcher"]) [part="panel"],
    [part="launcher"] {
      transition: none;
    }
  }
`;
