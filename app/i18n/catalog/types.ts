import type { en } from "./en";

/** The languages the app answers in; `en` is the default and the last fallback. */
export const LANGUAGES = ["en", "de", "fr", "es", "it", "nl", "ja"] as const;
export type Language = (typeof LANGUAGES)[number];
export const DEFAULT_LANGUAGE: Language = "en";

export type English = typeof en;
export type MessageKey = keyof English;

/** The `{name}` placeholders of a template, as a union of names. */
export type Placeholders<S extends string> = S extends `${string}{${infer Name}}${infer Rest}`
  ? Name | Placeholders<Rest>
  : never;

/** A placeholder value: a name or number shown as is, or another text rendered in the same language. */
export type ParamValue = string | number | LocalizedText;
export type ParamsOf<K extends MessageKey> = { [Name in Placeholders<English[K]>]: ParamValue };

/**
 * A text to show the buyer, kept as key + parameters so it is rendered in the language of each
 * response. Stored sessions and carts hold these, never rendered strings.
 */
export type LocalizedText = { [K in MessageKey]: { key: K; params: ParamsOf<K> } }[MessageKey];

/**
 * What the domain puts where a buyer-visible text goes: a catalog text, or a literal string for
 * text the app did not write (kept as given) and for sessions stored before texts were keyed.
 */
export type Text = LocalizedText | string;

/** `localized("line.out_of_stock", { name })`: the compiler checks the parameters against the English template. */
export function localized<K extends MessageKey>(
  key: K,
  ...params: [Placeholders<English[K]>] extends [never] ? [] : [ParamsOf<K>]
): LocalizedText {
  return { key, params: params[0] ?? {} } as LocalizedText;
}

/** Every `{placeholder}` of a set, in any order, with anything around them. */
type WithPlaceholders<P extends string> = [P] extends [never]
  ? ""
  : { [Name in P]: `{${Name}}${string}${WithPlaceholders<Exclude<P, Name>>}` }[P];

/** A translation of an English template: any text that keeps every one of its placeholders. */
export type Translated<E extends string> = `${string}${WithPlaceholders<Placeholders<E>>}`;

/**
 * Declares a language's catalog. A missing key, or a dropped or misspelt placeholder, does not
 * compile (the error names the key); an extra placeholder is caught by catalog.test.ts.
 */
export function translation(messages: { readonly [K in MessageKey]: Translated<English[K]> }) {
  return messages as Readonly<Record<MessageKey, string>>;
}
