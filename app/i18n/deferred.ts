/**
 * A response body whose texts are not yet put into words: the wire body with a token wherever a
 * text goes, plus the texts as keys + parameters. The handler stores this form for idempotent
 * replays, so a stored response is language-neutral like the session behind it, keeps the wire
 * shape the privacy erasure redacts, and is put into words per response (ADR 015).
 */
import { renderText, type Language, type RenderText, type Text } from "./catalog";

export interface DeferredBody {
  template: unknown;
  texts: Text[];
}

// Private-use code points: no text the app, Shopify or an agent writes is exactly such a token.
const token = (index: number) => `\uE000${index}\uE001`;
const TOKEN = /^\uE000(\d+)\uE001$/;

/** Serializes with a renderer that records each text and leaves a token in its place. */
export function deferTexts(serialize: (render: RenderText) => unknown): DeferredBody {
  const texts: Text[] = [];
  const template = serialize((text) => token(texts.push(text) - 1));
  return { template, texts };
}

/** The body with every token replaced by its text in `language`. */
export function fillTexts({ template, texts }: DeferredBody, language: Language): unknown {
  const rendered = texts.map((text) => renderText(text, language));
  const fill = (value: unknown): unknown => {
    if (typeof value === "string") {
      const match = TOKEN.exec(value);
      return match && Number(match[1]) < rendered.length ? rendered[Number(match[1])] : value;
    }
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === "object") {
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(value)) out[key] = fill((value as Record<string, unknown>)[key]);
      return out;
    }
    return value;
  };
  return fill(template);
}
