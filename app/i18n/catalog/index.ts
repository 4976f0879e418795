import { de } from "./de";
import { en } from "./en";
import { es } from "./es";
import { fr } from "./fr";
import { it } from "./it";
import { ja } from "./ja";
import { nl } from "./nl";
import { DEFAULT_LANGUAGE, type Language, type MessageKey, type ParamValue, type Text } from "./types";

export * from "./types";

export const CATALOGS: Readonly<Record<Language, Readonly<Record<MessageKey, string>>>> = {
  en,
  de,
  fr,
  es,
  it,
  nl,
  ja,
};

const PLACEHOLDER = /\{(\w+)\}/g;

/** Renders a text in a language; an unknown key or missing parameter falls back rather than throws. */
export function renderText(text: Text, language: Language): string {
  if (typeof text === "string") return text;
  const template = CATALOGS[language][text.key] ?? CATALOGS.en[text.key] ?? text.key;
  const params = text.params as Record<string, ParamValue | undefined>;
  return template
    .replace(PLACEHOLDER, (whole, name: string) => {
      const value = params[name];
      if (value === undefined) return whole;
      return typeof value === "object" ? renderText(value, language) : String(value);
    })
    .trim();
}

/** Puts a text into words; serializers take one so the handler decides the language (or defers it). */
export type RenderText = (text: Text) => string;

export const renderInEnglish: RenderText = (text) => renderText(text, DEFAULT_LANGUAGE);

export const inLanguage =
  (language: Language): RenderText =>
  (text) =>
    renderText(text, language);
