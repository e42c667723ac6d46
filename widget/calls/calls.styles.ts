import { css } from "lit";

/**
 * Calls: header buttons, the picker, the ringing sheet and the call surface. Videos keep 4:3 and
 * never push the composer off a 375 px screen: the stage is capped at 45% of the panel height, and
 * the own camera sits as picture-in-picture in its corner.
 */
export const callStyles = css`
  .call-btn,
  .round {
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
  .call-btn:hover {
    background: var(--inapp-talk-surface);
    color: var(--inapp-talk-text);
  }
  .call-btn svg,
  .round svg {
    width: 20px;
    height: 20px;
    fill: currentColor;
  }
  .call-card,
  .call {
    flex: none;
    border-bottom: 1px solid var(--inapp-talk-border);
    background: var(--inapp-talk-surface);
  }
  .call-card {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
    padding: 10px var(--inapp-talk-spacing);
  }
  .call-card p {
    flex-basis: 100%;
    margin: 0;
  }
  .call-card button,
  .call-bar > .ghost {
    min-height: 36px;
    padding: 6px 14px;
    border: 1px solid var(--inapp-talk-border);
    border-radius: 18px;
    background: var(--inapp-talk-bg);
    color: var(--inapp-talk-text);
    font: inherit;
    cursor: pointer;
  }
  .stage {
    position: relative;
    height: min(45vh, 300px);
    overflow: hidden;
    background: #0b0c0f;
  }
  .stage video {
    position: absolute;
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: contain;
  }
  .stage [part="local-video"] {
    inset: auto 8px 8px auto;
    width: 28%;
    height: 28%;
    object-fit: cover;
    border-radius: 8px;
    box-shadow: 0 2px 8px rgb(0 0 0 / 0.4);
    transform: scaleX(-1);
  }
  .stage.solo [part="local-video"] {
    inset: 0;
    width: 100%;
    height: 100%;
    object-fit: contain;
    border-radius: 0;
    box-shadow: none;
  }
  .call-bar {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    justify-content: space-between;
    gap: 8px;
    padding: 10px var(--inapp-talk-spacing);
  }
  .call-who {
    display: flex;
    flex-wrap: wrap;
    align-items: baseline;
    gap: 4px 8px;
    min-width: 0;
  }
  .call-who strong {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part="call-status"],
  [part="incoming-call"] .kind {
    color: var(--inapp-talk-muted);
  }
  [part="call-countdown"] {
    color: var(--inapp-talk-danger);
    font-variant-numeric: tabular-nums;
  }
  .relay {
    padding: 0 8px;
    border-radius: 10px;
    background: var(--inapp-talk-bg);
    color: var(--inapp-talk-success);
    font-size: 0.85em;
  }
  .quality {
    display: inline-flex;
    align-items: flex-end;
    gap: 2px;
    height: 12px;
  }
  .quality i {
    width: 3px;
    background: var(--inapp-talk-muted);
    opacity: 0.35;
  }
  .quality i:nth-child(1) {
    height: 4px;
  }
  .quality i:nth-child(2) {
    height: 8px;
  }
  .quality i:nth-child(3) {
    height: 12px;
  }
  /* Filled bars: 3 good, 2 fair, 1 poor; the colour repeats what the label says. */
  .quality[data-level="good"] i {
    opacity: 1;
    background: var(--inapp-talk-success);
  }
  .quality[data-level="fair"] i:nth-child(-n + 2) {
    opacity: 1;
    background: var(--inapp-talk-muted);
  }
  .quality[data-level="poor"] i:nth-child(1) {
    opacity: 1;
    background: var(--inapp-talk-danger);
  }
  [part="incoming-call"] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 8px;
  }
  .controls {
    display: flex;
    gap: 10px;
  }
  .round {
    width: auto;
    min-width: 44px;
    height: 44px;
    border-radius: 22px;
    background: var(--inapp-talk-bg);
    color: var(--inapp-talk-text);
    border: 1px solid var(--inapp-talk-border);
    gap: 6px;
    grid-auto-flow: column;
    padding: 0 12px;
    font: inherit;
  }
  .round[aria-pressed="true"] {
    background: var(--inapp-talk-text);
    color: var(--inapp-talk-bg);
  }
  .round.ok {
    background: #18794e;
    border-color: #18794e;
    color: #fff;
  }
  .round.end {
    background: #b42318;
    border-color: #b42318;
    color: #fff;
  }
  .round:disabled {
    opacity: 0.5;
    cursor: default;
  }
  .ring strong {
    animation: call-ring 1s ease-in-out infinite;
  }
  @keyframes call-ring {
    50% {
      color: var(--inapp-talk-accent);
    }
  }
  .tap {
    display: block;
    width: calc(100% - 2 * var(--inapp-talk-spacing));
    margin: 0 var(--inapp-talk-spacing) 10px;
    min-height: 44px;
    border: 0;
    border-radius: 22px;
    background: var(--inapp-talk-accent);
    color: var(--inapp-talk-accent-text);
    font: inherit;
    font-weight: 600;
    cursor: pointer;
  }
  .call-notice {
    margin: 0;
    padding: 0 var(--inapp-talk-spacing) 10px;
    color: var(--inapp-talk-danger);
  }
  .call-note {
    margin: 0;
    padding: 0 var(--inapp-talk-spacing) 10px;
    color: var(--inapp-talk-muted);
  }
  .devices {
    display: grid;
    gap: 6px;
    padding: 0 var(--inapp-talk-spacing) 10px;
  }
  .devices label {
    display: grid;
    gap: 2px;
    font-size: 0.9em;
  }
  .devices select {
    font: inherit;
    padding: 4px;
  }
  .devices meter {
    width: 100%;
  }
  .call-card .call-notice {
    padding: 0;
  }
  .call-entry svg {
    width: 16px;
    height: 16px;
    margin-right: 6px;
    vertical-align: -3px;
    fill: currentColor;
  }
  @media (max-width: 400px) {
    .round span {
      position: absolute;
      width: 1px;
      height: 1px;
      overflow: hidden;
      clip: rect(0 0 0 0);
    }
  }
  @media (prefers-reduced-motion: reduce) {
    .ring strong {
      animation: none;
      color: var(--inapp-talk-accent);
    }
  }
`;
