// A room frame as tests read it: a v2 `joined` frame (the welcome and every feature's join frames
// in one) is taken apart, as the widget handles it, so tests find `welcome`, `history`… either way.
type Frame = Record<string, any>;

export function unpack(frame: Frame): Frame[] {
  return frame.type === "joined" && Array.isArray(frame.frames) ? frame.frames : [frame];
}
