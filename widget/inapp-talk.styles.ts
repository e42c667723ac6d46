import { css } from "lit";

/**
 * Every colour, the font, radius and spacing come from `--inapp-talk-*` custom properties with
 * defaults here on :host; a host page overrides them on the element
 * (`inapp-talk { --inapp-talk-accent: #e11d48 }`), which wins over :host rules.
 */
/** Dark palette, shared by theme="dark" and theme="auto" under a dark system preference. */
const darkTheme = css`
    --inapp-talk-accent: #4f46e5;
    --inapp-talk-bg: #16171b;
    --inapp-talk-surface: #26282f;
    --inapp-talk-text: #eceef2;
    --inapp-talk-muted: #a4aab6;
    --inapp-talk-border: #33363f;
    --inapp-talk-link: #b4bcff;
    --inapp-talk-danger: #ff8a80;
    --inapp-talk-success: #6ee7a8;
    --inapp-talk-focus: #a5b4fc;
    --inapp-talk-shadow: 0 12px 40px rgb(0 0 0 / 0.5);
    color-scheme: dark;
`;

export const base = css`
  :host {
    --inapp-talk-accent: #4f46e5;
    --inapp-talk-accent-text: #fff;
    --inapp-talk-bg: #fff;
    --inapp-talk-surface: #f3f4f6;
    --inapp-talk-text: #1f2328;
    --inapp-talk-muted: #5b6270;
    --inapp-talk-border: #e2e4e9;
    --inapp-talk-link: #3730a3;
    --inapp-talk-danger: #b42318;
    --inapp-talk-success: #18794e;
    --inapp-talk-focus: #4f46e5;
    --inapp-talk-font: system-ui, -apple-system, "Segoe UI", Roboto, "Apple SD Gothic Neo", "Malgun Gothic", "Noto Sans KR", sans-serif;
    --inapp-talk-font-size: 14px;
    --inapp-talk-radius: 16px;
    --inapp-talk-spacing: 12px;
    --inapp-talk-shadow: 0 12px 40px rgb(15 23 42 / 0.18), 0 2px 8px rgb(15 23 42 / 0.08);
    --inapp-talk-height: 100%;
    --inapp-talk-min-height: 360px;

    display: block;
    position: relative;
    height: var(--inapp-talk-height);
    min-height: var(--inapp-talk-min-height);
    color: var(--inapp-talk-text);
    font-family: var(--inapp-talk-font);
    font-size: var(--inapp-talk-font-size);
    line-height: 1.45;
    -webkit-text-size-adjust: 100%;
  }
  /* The launcher's bubble and panel are fixed-position (launcher.styles.ts, loaded with it). */
  :host([layout="launcher"]) {
    position: static;
    height: 0;
    min-height: 0;
  }
  :host([theme="dark"]) {
    ${darkTheme}
  }
  @media (prefers-color-scheme: dark) {
    :host([theme="auto"]) {
      ${darkTheme}
    }
  }
  [hidden] {
    display: none !important;
  }
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }
  :focus-visible {
    outline: 2px solid var(--inapp-talk-focus);
    outline-offset: 2px;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }

  [part="panel"] {
    display: flex;
    flex-direction: column;
    height: 100%;
    min-height: inherit;
    overflow: hidden;
    background: var(--inapp-talk-bg);
    border: 1px solid var(--inapp-talk-border);
    border-radius: var(--inapp-talk-radius);
  }

  /* ---- header ---- */
  [part="header"] {
    display: flex;
    align-items: center;
    gap: calc(var(--inapp-talk-spacing) * 0.75);
    padding: calc(var(--inapp-talk-spacing) * 0.875) var(--inapp-talk-spacing);
    border-bottom: 1px solid var(--inapp-talk-border);
    min-height: 56px;
  }
  .heading {
    flex: 1;
    min-width: 0;
  }
  .title {
    margin: 0;
    font-size: 1.05em;
    font-weight: 650;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part="status"] {
    display: flex;
    align-items: center;
    gap: 6px;
    color: var(--inapp-talk-muted);
    font-size: 0.85em;
  }
  [part="status"]::before {
    content: "";
    flex: none;
    width: 8px;
    height: 8px;
    border-radius: 50%;
    background: var(--inapp-talk-muted);
  }
  [part="status"][data-state="connected"]::before {
    background: var(--inapp-talk-success);
  }
  [part="status"][data-state="reconnecting"]::before,
  [part="status"][data-state="slowdown"]::before,
  [part="status"][data-state="connecting"]::before {
    animation: pulse 1.2s ease-in-out infinite;
  }
  [part="status"][data-state="error"] {
    color: var(--inapp-talk-danger);
  }
  [part="status"][data-state="error"]::before {
    background: var(--inapp-talk-danger);
  }
  @keyframes pulse {
    50% {
      opacity: 0.3;
    }
  }

  [part="presence"] {
    display: flex;
    margin: 0;
    padding: 0;
    list-style: none;
  }
  .avatar {
    display: grid;
    place-items: center;
    width: 30px;
    height: 30px;
    margin-left: -6px;
    border-radius: 50%;
    border: 2px solid var(--inapp-talk-bg);
    background: #4f46e5;
    color: #fff;
    font-size: 0.8em;
    font-weight: 650;
    position: relative;
  }
  /* White text on each of these is at least 4.5:1. */
  .c1 {
    background: #0e7490;
  }
  .c2 {
    background: #15803d;
  }
  .c3 {
    background: #b45309;
  }
  .c4 {
    background: #be123c;
  }
  .c5 {
    background: #7e22ce;
  }
  .c6 {
    background: #1d4ed8;
  }
  .c7 {
    background: #a21caf;
  }
  .avatar::after {
    content: "";
    position: absolute;
    right: -2px;
    bottom: -2px;
    width: 9px;
    height: 9px;
    border-radius: 50%;
    background: var(--inapp-talk-success);
    border: 2px solid var(--inapp-talk-bg);
  }
  .avatar[data-name]:hover::before {
    content: attr(data-name);
    position: absolute;
    top: calc(100% + 6px);
    right: 0;
    z-index: 1;
    padding: 3px 8px;
    border-radius: 6px;
    background: var(--inapp-talk-text);
    color: var(--inapp-talk-bg);
    font-weight: 500;
    white-space: nowrap;
  }
  .avatar.more {
    background: var(--inapp-talk-surface);
    color: var(--inapp-talk-text);
  }
  .avatar.more::after {
    display: none;
  }
`;
