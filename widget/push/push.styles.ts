import { css } from "lit";

/** The bell, and the offer bar and the bell's panel: one compact strip under the header. */
export const pushStyles = css`
  .bell {
    display: inline-grid;
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
  .bell:hover,
  .bell[aria-expanded="true"] {
    background: var(--inapp-talk-surface);
    color: var(--inapp-talk-text);
  }
  .bell[data-state="on"] {
    color: var(--inapp-talk-accent);
  }
  .bell svg {
    width: 20px;
    height: 20px;
  }
  .bell:focus-visible {
    outline: 2px solid var(--inapp-talk-focus);
  }
  .push-bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--inapp-talk-spacing) * 0.5) var(--inapp-talk-spacing);
    padding: calc(var(--inapp-talk-spacing) * 0.75) var(--inapp-talk-spacing);
    border-bottom: 1px solid var(--inapp-talk-border);
    background: var(--inapp-talk-surface);
    font-size: 0.9em;
  }
  .push-bar h3 {
    margin: 0;
    font-size: 1em;
    flex-basis: 100%;
  }
  .push-bar p {
    margin: 0;
    flex: 1 1 12em;
  }
  .push-bar button {
    font: inherit;
    padding: 0.35em 0.8em;
    border-radius: var(--inapp-talk-radius);
    border: 1px solid var(--inapp-talk-accent);
    background: var(--inapp-talk-accent);
    color: var(--inapp-talk-accent-text);
    cursor: pointer;
  }
  .push-bar button.quiet,
  .push-bar button[aria-pressed="false"] {
    background: transparent;
    color: var(--inapp-talk-text);
    border-color: var(--inapp-talk-border);
  }
  .push-bar button[aria-disabled="true"] {
    opacity: 0.6;
    cursor: default;
  }
  .push-bar button:focus-visible {
    outline: 2px solid var(--inapp-talk-focus);
    outline-offset: 2px;
  }
  .push-error {
    color: var(--inapp-talk-danger);
    flex-basis: 100%;
  }
`;
