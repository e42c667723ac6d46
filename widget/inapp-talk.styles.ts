import { css } from "lit";

/**
 * Every colour, the font, radius and spacing come from `--inapp-talk-*` custom properties with
 * defaults here on :host; a host page overrides them on the element
 * (`inapp-talk { --inapp-talk-accent: #e11d48 }`), which wins over :host rules.
 */
export const styles = css`
  :host {
    --inapp-talk-accent: #4f46e5;
    --inapp-talk-accent-text: #ffffff;
    --inapp-talk-bg: #ffffff;
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
  :host([theme="dark"]) {
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
  }
  @media (prefers-color-scheme: dark) {
    :host([theme="auto"]) {
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

  /* ---- messages ---- */
  [part="messages"] {
    flex: 1;
    min-height: 0;
    margin: 0;
    padding: var(--inapp-talk-spacing);
    list-style: none;
    overflow-y: auto;
    overscroll-behavior: contain;
    display: flex;
    flex-direction: column;
    gap: 2px;
  }
  .edge,
  .day {
    align-self: center;
    margin: calc(var(--inapp-talk-spacing) * 0.75) 0;
    color: var(--inapp-talk-muted);
    font-size: 0.8em;
  }
  .day {
    padding: 2px 10px;
    border-radius: 999px;
    background: var(--inapp-talk-surface);
  }
  .empty {
    margin: auto;
    padding: var(--inapp-talk-spacing);
    text-align: center;
    color: var(--inapp-talk-muted);
  }
  [part="message"] {
    display: flex;
    flex-direction: column;
    align-items: flex-start;
    max-width: 82%;
    margin-top: 8px;
  }
  [part="message"].cont {
    margin-top: 0;
  }
  [part="message"].own {
    align-self: flex-end;
    align-items: flex-end;
  }
  .author {
    margin: 0 4px 2px;
    font-size: 0.8em;
    font-weight: 600;
    color: var(--inapp-talk-muted);
  }
  .bubble {
    display: flex;
    align-items: flex-end;
    gap: 6px;
  }
  .own .bubble {
    flex-direction: row-reverse;
  }
  .text {
    margin: 0;
    padding: 8px 12px;
    border-radius: var(--inapp-talk-radius);
    background: var(--inapp-talk-surface);
    white-space: pre-wrap;
    overflow-wrap: anywhere;
    word-break: break-word;
  }
  .own .text {
    background: var(--inapp-talk-accent);
    color: var(--inapp-talk-accent-text);
  }
  .own[data-status="pending"] .text {
    opacity: 0.72;
  }
  .own[data-status="failed"] .text {
    background: transparent;
    color: var(--inapp-talk-text);
    box-shadow: inset 0 0 0 1.5px var(--inapp-talk-danger);
  }
  .text a {
    color: var(--inapp-talk-link);
    text-decoration: underline;
    text-underline-offset: 2px;
  }
  .own .text a {
    color: inherit;
  }
  .own[data-status="failed"] .text a {
    color: var(--inapp-talk-link);
  }
  .meta {
    flex: none;
    color: var(--inapp-talk-muted);
    font-size: 0.72em;
    white-space: nowrap;
    padding-bottom: 2px;
  }
  .state {
    display: flex;
    align-items: center;
    gap: 6px;
    margin: 2px 4px 0;
    font-size: 0.75em;
    color: var(--inapp-talk-muted);
  }
  .state.failed {
    color: var(--inapp-talk-danger);
  }
  .retry {
    font: inherit;
    font-weight: 600;
    color: var(--inapp-talk-link);
    background: none;
    border: 0;
    padding: 2px 4px;
    border-radius: 6px;
    cursor: pointer;
    text-decoration: underline;
  }

  /* ---- composer ---- */
  [part="composer"] {
    display: flex;
    align-items: flex-end;
    gap: 8px;
    padding: calc(var(--inapp-talk-spacing) * 0.75) var(--inapp-talk-spacing);
    border-top: 1px solid var(--inapp-talk-border);
  }
  [part="input"] {
    flex: 1;
    min-width: 0;
    min-height: 40px;
    max-height: 9em;
    field-sizing: content;
    resize: none;
    padding: 9px 12px;
    font: inherit;
    color: inherit;
    background: var(--inapp-talk-surface);
    border: 1px solid transparent;
    border-radius: calc(var(--inapp-talk-radius) * 0.75);
  }
  [part="input"]::placeholder {
    color: var(--inapp-talk-muted);
    opacity: 1;
  }
  [part="input"]:focus-visible {
    outline: none;
    border-color: var(--inapp-talk-focus);
    box-shadow: 0 0 0 1px var(--inapp-talk-focus);
  }
  [part="send"] {
    flex: none;
    display: grid;
    place-items: center;
    width: 40px;
    height: 40px;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: var(--inapp-talk-accent);
    color: var(--inapp-talk-accent-text);
    cursor: pointer;
  }
  [part="send"]:disabled {
    opacity: 0.45;
    cursor: default;
  }
  [part="send"] svg {
    width: 18px;
    height: 18px;
  }
  .hint {
    margin: 0;
    padding: 0 var(--inapp-talk-spacing) 8px;
    font-size: 0.8em;
    color: var(--inapp-talk-danger);
  }
  .notice {
    margin: auto;
    max-width: 28em;
    padding: calc(var(--inapp-talk-spacing) * 2);
    text-align: center;
    color: var(--inapp-talk-muted);
  }
  .notice.error {
    color: var(--inapp-talk-danger);
  }
`;
