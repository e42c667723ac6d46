import { css } from "lit";

/** The message list, the typing line and the composer. */
export const messageStyles = css`
  /* ---- messages ---- */
  [part="messages"] {
    flex: 1;
    min-height: 0;
    margin: 0;
    padding: var(--inapp-talk-spacing);
    list-style: none;
    overflow-y: auto;
    overscroll-behavior: contain;
    /* ScrollController keeps the reader's place itself; native anchoring would move it twice. */
    overflow-anchor: none;
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

  [part="typing"] {
    display: flex;
    align-items: center;
    gap: 6px;
    min-height: 1.5em;
    padding: 0 var(--inapp-talk-spacing);
    font-size: 0.8em;
    color: var(--inapp-talk-muted);
  }
  .dots {
    display: inline-flex;
    gap: 3px;
  }
  .dots i {
    width: 5px;
    height: 5px;
    border-radius: 50%;
    background: currentColor;
    animation: blink 1.2s infinite;
  }
  .dots i:nth-child(2) {
    animation-delay: 0.2s;
  }
  .dots i:nth-child(3) {
    animation-delay: 0.4s;
  }
  @keyframes blink {
    0%,
    80%,
    100% {
      opacity: 0.25;
    }
    40% {
      opacity: 1;
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .dots i {
      animation: none;
    }
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
