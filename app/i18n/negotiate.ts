/**
 * Which language a response speaks: the request's `Accept-Language` (RFC 9110 §12.5.4) matched by
 * RFC 4647 §3.4 lookup against the catalog languages, then the locale the session or cart was
 * created with, then English. Never an error: a malformed header is ignored, as if not sent.
 */
import { DEFAULT_LANGUAGE, LANGUAGES, type Language } from "./catalog";

export interface LanguageRange {
  /** Lower case language range, or "*". */
  range: string;
  /** 0 to 1; 0 means "not acceptable". */
  q: number;
}

// language-range (RFC 4647 §2.1) with an optional weight; no other parameters are defined.
const ELEMENT =
  /^([A-Za-z]{1,8}(?:-[A-Za-z0-9]{1,8})*|\*)(?:[ \t]*;[ \t]*[qQ][ \t]*=[ \t]*(0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?))?$/;
/** Longer headers are not a browser's or an agent's: ignored rather than parsed. */
const MAX_HEADER_LENGTH = 1024;

/** The ranges of an Accept-Language header in header order; null when absent or malformed. */
export function parseAcceptLanguage(header: string | null | undefined): LanguageRange[] | null {
  if (header === null || header === undefined || header.length > MAX_HEADER_LENGTH) return null;
  const ranges: LanguageRange[] = [];
  for (const element of header.split(",")) {
    const trimmed = element.trim();
    if (trimmed === "") continue; // list syntax allows empty elements (RFC 9110 §5.6.1)
    const match = ELEMENT.exec(trimmed);
    if (!match) return null;
    ranges.push({ range: match[1].toLowerCase(), q: match[2] === undefined ? 1 : Number(match[2]) });
  }
  return ranges.length > 0 ? ranges : null;
}

const SUPPORTED: ReadonlySet<string> = new Set(LANGUAGES);

/**
 * RFC 4647 §3.4 lookup of one tag: `de-CH-1996` tries `de-ch-1996`, `de-ch`, `de`; a singleton
 * (`x-…`, `u-…`) is dropped together with the subtag after it.
 */
function lookup(tag: string, excluded: ReadonlySet<string>): Language | null {
  const subtags = tag.toLowerCase().replace(/_/g, "-").split("-");
  while (subtags.length > 0) {
    const candidate = subtags.join("-");
    if (SUPPORTED.has(candidate) && !excluded.has(candidate)) return candidate as Language;
    subtags.pop();
    if (subtags.length > 0 && subtags[subtags.length - 1].length === 1) subtags.pop();
  }
  return null;
}

/**
 * The response language: the best acceptable `Accept-Language` range the catalog has, else the
 * session's or cart's `locale` (unless the header refuses it with q=0), else English.
 * `*` names no language, so it leaves the choice to the locale and the default.
 */
export function negotiateLanguage(
  acceptLanguage: string | null | undefined,
  locale?: string | null,
): Language {
  const ranges = parseAcceptLanguage(acceptLanguage) ?? [];
  const excluded = new Set(ranges.filter((entry) => entry.q === 0).map((entry) => entry.range));
  // Highest weight first; equal weights keep header order (Array.prototype.sort is stable).
  const preferred = ranges.filter((entry) => entry.q > 0 && entry.range !== "*").sort((a, b) => b.q - a.q);
  for (const entry of preferred) {
    const language = lookup(entry.range, excluded);
    if (language) return language;
  }
  if (locale && !excluded.has("*")) {
    const language = lookup(locale, excluded);
    if (language) return language;
  }
  return DEFAULT_LANGUAGE;
}
