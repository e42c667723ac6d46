import { css } from "lit";

/** The conversation list and the back control (the inbox chunk's own styles). */
export const inboxStyles = css`
  [part="inbox"] {
    flex: 1;
    min-height: 0;
    overflow-y: auto;
    overscroll-behavior: contain;
  }
  [part="inbox"] ul {
    margin: 0;
    padding: 4px 0;
    list-style: none;
  }
  [part~="conversation"] {
    display: grid;
    grid-template-columns: auto 1fr;
    column-gap: var(--inapp-talk-spacing);
    align-items: center;
    width: 100%;
    padding: calc(var(--inapp-talk-spacing) * 0.75) var(--inapp-talk-spacing);
    border: 0;
    background: transparent;
    color: inherit;
    font: inherit;
    text-align: start;
    cursor: pointer;
  }
  [part~="conversation"]:hover {
    background: var(--inapp-talk-surface);
  }
  [part~="conversation"]:focus-visible {
    outline-offset: -2px;
  }
  .face {
    grid-row: span 2;
    display: grid;
    place-items: center;
    position: relative;
    width: 40px;
    height: 40px;
    border-radius: 50%;
    color: #fff;
    font-weight: 650;
  }
  .c0 {
    background: #4f46e5;
  }
  [part="online"] {
    position: absolute;
    right: -1px;
    bottom: -1px;
    width: 12px;
    height: 12px;
    border-radius: 50%;
    background: var(--inapp-talk-success);
    border: 2px solid var(--inapp-talk-bg);
  }
  .line {
    display: flex;
    align-items: baseline;
    gap: 8px;
    min-width: 0;
  }
  [part="conversation-title"],
  [part="conversation-preview"] {
    flex: 1;
    min-width: 0;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part="conversation-title"] {
    font-weight: 600;
  }
  [part="conversation-time"],
  [part="conversation-preview"] {
    color: var(--inapp-talk-muted);
    font-size: 0.88em;
  }
  [part~="conversation"][data-unread]:not([data-unread="0"]) [part="conversation-preview"] {
    color: var(--inapp-talk-text);
  }
  [part="unread"] {
    min-width: 20px;
    height: 20px;
    padding: 0 6px;
    border-radius: 10px;
    background: var(--inapp-talk-accent);
    color: var(--inapp-talk-accent-text);
    font-size: 12px;
    font-weight: 700;
    line-height: 20px;
    text-align: center;
  }
  [part="inbox"] .notice {
    margin: 0;
    padding: calc(var(--inapp-talk-spacing) * 2) var(--inapp-talk-spacing);
    color: var(--inapp-talk-muted);
    text-align: center;
  }
  [part="inbox"] .notice.error {
    color: var(--inapp-talk-danger);
  }
  [part="inbox"] .more {
    padding: 8px;
    font-size: 0.88em;
  }
  .back {
    display: grid;
    place-items: center;
    flex: none;
    width: 36px;
    height: 36px;
    margin-inline-start: -6px;
    padding: 0;
    border: 0;
    border-radius: 50%;
    background: transparent;
    color: var(--inapp-talk-text);
    cursor: pointer;
  }
  .back:hover {
    background: var(--inapp-talk-surface);
  }
  .back svg {
    width: 22px;
    height: 22px;
  }
`;
