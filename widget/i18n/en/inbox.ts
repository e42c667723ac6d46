/** English strings of the inbox (the conversation list and its back control): part of the inbox chunk. */
export const inbox = {
  "inbox.title": "Conversations",
  "inbox.label": "Conversations",
  "inbox.loading": "Loading conversations…",
  "inbox.loadingMore": "Loading more…",
  "inbox.empty": "No conversations yet.",
  "inbox.error": "Conversations could not be loaded. Retrying…",
  "inbox.back": "Back to conversations",
  "inbox.you": "You",
  "inbox.online": "online",
  "inbox.unread": "{count} unread",
  "inbox.noMessages": "No messages yet",
  "inbox.announce": "{title}: {count} unread",
  "inbox.total": "{count} unread in all conversations",
};
