/** English strings of web push (the bell, its panel, the in-context offer): part of the push chunk. */
export const push = {
  "push.button": "Notifications",
  "push.title": "Notifications",
  "push.offer": "Get notified when {name} answers",
  "push.offerAnyone": "Get notified when someone answers",
  "push.offerOn": "Notify me",
  "push.notNow": "Not now",
  "push.turnOn": "Turn on notifications",
  "push.turnOff": "Turn off on this device",
  "push.mute": "Mute this conversation",
  "push.close": "Close",
  "push.busy": "One moment…",
  "push.state.on": "Notifications are on for this device. Turn them off here or in your browser's site settings.",
  "push.state.off": "Notifications are off. Turn them on to hear about new messages and calls while this page is closed.",
  "push.state.denied":
    "Notifications are blocked for this site. To allow them, open the site settings (the icon next to the address), allow notifications, then reload the page.",
  "push.state.unsupported": "This browser can't show notifications from this page. On iPhone and iPad, add this site to your Home Screen first.",
  "push.state.muted": "This conversation is muted: no notifications for it.",
  "push.error.failed": "Could not turn on notifications. Try again later.",
  "push.error.mute": "Could not change the mute. Try again.",
};
