/**
 * Wire protocol version. The widget sends it as the `v` query parameter when it opens a socket and
 * the room repeats it in `welcome`; either side that cannot speak the other's version says
 * `unsupported_version` instead of guessing at frames it does not understand.
 */
export const PROTOCOL_VERSION = 1;
