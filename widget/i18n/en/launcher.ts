/** English strings of the launcher layout (bubble, badge, close button): part of the launcher chunk. */
export const launcher = {
  "launcher.open": "Open chat",
  "launcher.close": "Close chat",
  "launcher.unread": "{count} unread",
};
