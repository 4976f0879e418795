/**
 * Shopify `descriptionHtml` → the plain text OpenAI's feed wants ("Max 5,000 chars; plain text only").
 *
 * One hand-written pass over the string (no regexes, no DOM): the sync maps ~100k variants per run and
 * descriptions can be long. It is not a sanitizer for HTML that will be rendered: the output is text,
 * so anything that looks like markup after decoding (`&lt;b&gt;`) is just characters.
 */

/** Tags that end a line of text. */
// prettier-ignore
const BLOCK_TAGS = new Set([
  "address", "article", "aside", "blockquote", "br", "caption", "dd", "div", "dl", "dt", "figcaption",
  "figure", "footer", "h1", "h2", "h3", "h4", "h5", "h6", "header", "hr", "li", "main", "nav", "ol",
  "p", "pre", "section", "table", "tbody", "tfoot", "thead", "tr", "ul",
]);

/** Tags whose content is never text a shopper should read. */
const SKIPPED_CONTENT_TAGS = new Set(["script", "style", "template", "noscript", "head", "title", "svg"]);

const CELL_TAGS = new Set(["td", "th"]);

/** HTML named entities that show up in merchant copy; everything else stays as typed. */
const NAMED_ENTITIES: ReadonlyMap<string, string> = (() => {
  // prettier-ignore
  const map = new Map<string, string>([
    ["amp", "&"], ["lt", "<"], ["gt", ">"], ["quot", '"'], ["apos", "'"],
    ["ensp", " "], ["emsp", " "], ["thinsp", " "], ["zwnj", ""], ["zwj", ""],
    ["ndash", "–"], ["mdash", "—"], ["lsquo", "‘"], ["rsquo", "’"], ["sbquo", "‚"],
    ["ldquo", "“"], ["rdquo", "”"], ["bdquo", "„"], ["hellip", "…"], ["bull", "•"],
    ["prime", "′"], ["Prime", "″"], ["trade", "™"], ["euro", "€"], ["oelig", "œ"], ["OElig", "Œ"],
    ["larr", "←"], ["rarr", "→"], ["uarr", "↑"], ["darr", "↓"], ["harr", "↔"], ["minus", "−"],
    ["le", "≤"], ["ge", "≥"], ["ne", "≠"], ["asymp", "≈"], ["infin", "∞"], ["check", "✓"],
  ]);
  // Latin-1 (U+00A0–U+00FF) in code point order, so accented product names survive.
  const latin1 =
    "nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 " +
    "sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc " +
    "Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve " +
    "Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute " +
    "acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde " +
    "ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml";
  latin1.split(" ").forEach((name, i) => map.set(name, String.fromCharCode(0xa0 + i)));
  map.set("shy", ""); // a soft hyphen is invisible unless a word breaks there
  return map;
})();

const LT = 60; // <
const GT = 62; // >
const AMP = 38; // &
const BANG = 33; // !
const QUESTION = 63; // ?
const SLASH = 47; // /
const DQUOTE = 34;
const SQUOTE = 39;
const MAX_ENTITY_LENGTH = 32;

/** Whitespace, invisible spacing and C0/C1 controls: all of it collapses to one space. */
export function isSpaceCode(c: number): boolean {
  return (
    c <= 32 ||
    (c >= 0x7f && c <= 0xa0) ||
    c === 0x1680 ||
    (c >= 0x2000 && c <= 0x200b) ||
    c === 0x2028 ||
    c === 0x2029 ||
    c === 0x202f ||
    c === 0x205f ||
    c === 0x3000 ||
    c === 0xfeff
  );
}

function isLetterCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
}

function isTagNameCode(c: number): boolean {
  return isLetterCode(c) || (c >= 48 && c <= 57);
}

/** Collects text, collapsing runs of spaces and line breaks; nothing leading or trailing. */
class TextBuilder {
  text = "";
  private space = false;
  private lineBreak = false;
  private prefix = "";

  word(segment: string): void {
    if (this.text.length > 0) {
      if (this.lineBreak) this.text += "\n";
      else if (this.space) this.text += " ";
    }
    if (this.prefix) {
      this.text += this.prefix;
      this.prefix = "";
    }
    this.text += segment;
    this.space = false;
    this.lineBreak = false;
  }

  addSpace(): void {
    this.space = true;
  }

  addLineBreak(prefix = ""): void {
    this.lineBreak = true;
    if (prefix) this.prefix = prefix;
  }
}

/** Index just past `</name ...>` (case-insensitive), or the end of the string when it is never closed. */
function skipPastClosingTag(html: string, from: number, name: string): number {
  let at = from;
  for (;;) {
    const open = html.indexOf("</", at);
    if (open === -1) return html.length;
    let matches = true;
    for (let k = 0; k < name.length; k++) {
      if ((html.charCodeAt(open + 2 + k) | 0x20) !== name.charCodeAt(k)) {
        matches = false;
        break;
      }
    }
    if (matches && !isTagNameCode(html.charCodeAt(open + 2 + name.length))) {
      const close = html.indexOf(">", open);
      return close === -1 ? html.length : close + 1;
    }
    at = open + 2;
  }
}

/** 0–15 for a hex digit character code, -1 otherwise. */
function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  const lower = c | 0x20;
  return lower >= 97 && lower <= 102 ? lower - 87 : -1;
}

/** Decoded text of the entity starting at `&` (index `at`), and where it ends; null when it is not one. */
function decodeEntity(html: string, at: number): { text: string; end: number } | null {
  const semi = html.indexOf(";", at + 1);
  if (semi === -1 || semi - at > MAX_ENTITY_LENGTH || semi === at + 1) return null;
  if (html.charCodeAt(at + 1) === 35 /* # */) {
    const hex = (html.charCodeAt(at + 2) | 0x20) === 120; /* x */
    const start = at + (hex ? 3 : 2);
    if (start >= semi) return null;
    let code = 0;
    for (let k = start; k < semi; k++) {
      const digit = digitValue(html.charCodeAt(k));
      if (digit < 0 || (!hex && digit > 9)) return null;
      code = Math.min(code * (hex ? 16 : 10) + digit, 0x110000);
    }
    if (code === 0 || code > 0x10ffff || (code >= 0xd800 && code <= 0xdfff))
      return { text: "\uFFFD", end: semi + 1 };
    return { text: String.fromCodePoint(code), end: semi + 1 };
  }
  const named = NAMED_ENTITIES.get(html.slice(at + 1, semi));
  return named === undefined ? null : { text: named, end: semi + 1 };
}

/**
 * Plain text of an HTML fragment: tags removed, entities decoded, `<br>` and block elements become line
 * breaks, list items become "- item" / "1. item", script/style content is dropped, whitespace collapsed.
 */
export function htmlToPlainText(html: string | null | undefined): string {
  if (!html) return "";
  const out = new TextBuilder();
  const lists: { ordered: boolean; count: number }[] = [];
  const n = html.length;
  let i = 0;

  const addText = (text: string) => {
    let start = -1;
    for (let k = 0; k < text.length; k++) {
      if (isSpaceCode(text.charCodeAt(k))) {
        if (start !== -1) out.word(text.slice(start, k));
        start = -1;
        out.addSpace();
      } else if (start === -1) start = k;
    }
    if (start !== -1) out.word(start === 0 ? text : text.slice(start));
  };

  while (i < n) {
    const c = html.charCodeAt(i);

    if (c === LT) {
      const next = html.charCodeAt(i + 1);
      if (next === BANG || next === QUESTION) {
        // Comment, doctype, CDATA or processing instruction: never text.
        const isComment = html.startsWith("<!--", i);
        const end = isComment ? html.indexOf("-->", i + 4) : html.indexOf(">", i + 2);
        i = end === -1 ? n : end + (isComment ? 3 : 1);
        continue;
      }
      const closing = next === SLASH;
      const nameStart = i + (closing ? 2 : 1);
      let nameEnd = nameStart;
      // As in HTML, a tag name starts with a letter: "a < b" and "x<3" are text.
      if (isLetterCode(html.charCodeAt(nameStart))) {
        while (nameEnd < n && isTagNameCode(html.charCodeAt(nameEnd))) nameEnd++;
      }
      if (nameEnd === nameStart) {
        out.word("<");
        i++;
        continue;
      }
      // Find the tag's end, stepping over quoted attribute values that may contain ">".
      let k = nameEnd;
      let selfClosing = false;
      while (k < n) {
        const ch = html.charCodeAt(k);
        if (ch === DQUOTE || ch === SQUOTE) {
          const q = html.indexOf(ch === DQUOTE ? '"' : "'", k + 1);
          k = q === -1 ? n : q + 1;
          continue;
        }
        if (ch === GT) {
          selfClosing = html.charCodeAt(k - 1) === SLASH;
          break;
        }
        k++;
      }
      const tagEnd = k >= n ? n : k + 1;
      const name = html.slice(nameStart, nameEnd).toLowerCase();
      i = tagEnd;

      if (!closing && !selfClosing && SKIPPED_CONTENT_TAGS.has(name)) {
        i = skipPastClosingTag(html, tagEnd, name);
        out.addSpace();
      } else if (name === "li" && !closing) {
        const list = lists[lists.length - 1];
        out.addLineBreak(list?.ordered ? `${++list.count}. ` : "- ");
      } else if (name === "ul" || name === "ol") {
        if (closing) lists.pop();
        else lists.push({ ordered: name === "ol", count: 0 });
        out.addLineBreak();
      } else if (BLOCK_TAGS.has(name)) {
        out.addLineBreak();
      } else if (CELL_TAGS.has(name)) {
        out.addSpace();
      }
      continue;
    }

    if (c === AMP) {
      const entity = decodeEntity(html, i);
      if (entity) {
        addText(entity.text);
        i = entity.end;
      } else {
        out.word("&");
        i++;
      }
      continue;
    }

    // A run of plain text up to the next tag or entity.
    let end = i + 1;
    while (end < n) {
      const ch = html.charCodeAt(end);
      if (ch === LT || ch === AMP) break;
      end++;
    }
    addText(end - i === n ? html : html.slice(i, end));
    i = end;
  }
  return out.text;
}

const WORD_BOUNDARY_MIN_RATIO = 0.6;
const TRAILING_JUNK = new Set([" ", "\n", ",", ";", ":", "-", "–", "—", "(", "/"]);

/**
 * `text` cut to at most `max` UTF-16 units (≤ `max` characters as any counter sees them), ending in "…".
 * Cuts at the last space or line break when that keeps most of the text; otherwise mid-word, never
 * inside a surrogate pair.
 */
export function truncateAtWordBoundary(text: string, max: number, ellipsis = "…"): string {
  if (text.length <= max) return text;
  const limit = max - ellipsis.length;
  if (limit <= 0) return ellipsis.slice(0, max);
  let cut = limit;
  let k = limit;
  while (k > 0 && !isSpaceCode(text.charCodeAt(k))) k--;
  if (k >= limit * WORD_BOUNDARY_MIN_RATIO) cut = k;
  else if ((text.charCodeAt(cut - 1) & 0xfc00) === 0xd800) cut--; // keep surrogate pairs whole
  while (cut > 0 && TRAILING_JUNK.has(text[cut - 1])) cut--;
  return text.slice(0, cut) + ellipsis;
}
