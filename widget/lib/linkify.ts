/**
 * Splits message text into plain runs and http(s) links. The result is rendered by Lit as text
 * nodes and `<a>` elements, never as HTML, so markup in a message shows literally. Only http and
 * https become links: `javascript:`, `data:` and friends stay inert text.
 */
export interface TextSegment {
  text: string;
  /** Present for links: the normalised absolute URL. */
  href?: string;
}

const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'`]+/gi;
/** Punctuation that usually ends a sentence rather than a URL. */
const TRAILING = /[.,;:!?'")\]}>]+$/;

export function linkify(text: string): TextSegment[] {
  const out: TextSegment[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_PATTERN)) {
    const start = match.index;
    let raw = trimTrailing(match[0]);
    const href = safeHref(raw);
    if (!href) continue;
    if (start > last) out.push({ text: text.slice(last, start) });
    out.push({ text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) out.push({ text: text.slice(last) });
  return out;
}

function trimTrailing(raw: string): string {
  let url = raw.replace(TRAILING, "");
  // Keep a closing parenthesis that closes one opened inside the URL (Wikipedia-style links).
  const rest = raw.slice(url.length);
  if (rest.startsWith(")") && count(url, "(") > count(url, ")")) url += ")";
  return url;
}

const count = (s: string, ch: string) => s.split(ch).length - 1;

function safeHref(raw: string): string | null {
  try {
    const url = new URL(raw);
    return (url.protocol === "http:" || url.protocol === "https:") && url.hostname ? url.href : null;
  } catch {
    return null;
  }
}
