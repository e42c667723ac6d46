/**
 * Wire protocol version. The widget sends it as the `v` query parameter when it opens a socket and
 * the room repeats it in `welcome`; either side that cannot speak the other's version says
 * `unsupported_version` instead of guessing at frames it does not understand.
 * v2: a socket's join is one `joined` frame (the welcome and every feature's join frames together).
 */
export const PROTOCOL_VERSION = 2;

/**
 * The oldest version rooms still serve: v1's join is `welcome` and then each feature's frame on its
 * own (presence, reads, the first page…). Widgets cached by host pages keep working across a deploy.
 */
export const OLDEST_PROTOCOL_VERSION = 1;
