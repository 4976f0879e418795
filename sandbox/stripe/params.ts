import { missingParam, paramError } from "./errors";
import type { FormObject, FormValue } from "./form";

/**
 * Reads one endpoint's parameters and rejects anything it did not read, as Stripe does
 * (`Received unknown parameter: foo`). Every error here is a validation error, so it is never
 * stored under an idempotency key.
 */
export class ParamReader {
  private readonly used = new Set<string>();
  private readonly children: ParamReader[] = [];

  constructor(
    private readonly values: FormObject,
    private readonly prefix = "",
  ) {}

  private name(key: string) {
    return this.prefix ? `${this.prefix}[${key}]` : key;
  }

  private take(key: string): FormValue | undefined {
    this.used.add(key);
    return this.values[key];
  }

  private scalar(key: string, required: boolean): string | undefined {
    const value = this.take(key);
    if (value === undefined) {
      if (required) throw missingParam(this.name(key));
      return undefined;
    }
    if (typeof value !== "string") throw paramError(`Invalid string: ${this.name(key)}`, this.name(key));
    if (value === "") {
      if (required) throw emptyError(this.name(key));
      return undefined;
    }
    return value;
  }

  string(key: string, options: { required?: boolean; maxLength?: number } = {}): string | undefined {
    const value = this.scalar(key, options.required ?? false);
    if (value !== undefined && options.maxLength !== undefined && value.length > options.maxLength) {
      throw paramError(
        `Invalid ${this.name(key)}: must be at most ${options.maxLength} characters`,
        this.name(key),
        "parameter_invalid_string",
      );
    }
    return value;
  }

  /** `""` means "unset" in Stripe's form encoding; callers that can unset a field ask for it. */
  nullableString(key: string, options: { maxLength?: number } = {}): string | null | undefined {
    if (this.values[key] === "") {
      this.used.add(key);
      return null;
    }
    return this.string(key, options);
  }

  integer(key: string, options: { required?: boolean } = {}): number | undefined {
    const value = this.scalar(key, options.required ?? false);
    if (value === undefined) return undefined;
    if (!/^-?\d+$/.test(value) || !Number.isSafeInteger(Number(value))) {
      throw paramError(`Invalid integer: ${value}`, this.name(key), "parameter_invalid_integer");
    }
    return Number(value);
  }

  boolean(key: string): boolean | undefined {
    const value = this.scalar(key, false);
    if (value === undefined) return undefined;
    if (value !== "true" && value !== "false") throw paramError(`Invalid boolean: ${value}`, this.name(key));
    return value === "true";
  }

  enum<T extends string>(key: string, allowed: readonly T[], options: { required?: boolean } = {}) {
    const value = this.scalar(key, options.required ?? false);
    if (value === undefined) return undefined;
    if (!(allowed as readonly string[]).includes(value)) {
      throw paramError(
        `Invalid ${this.name(key)}: must be one of ${allowed.join(", ")}`,
        this.name(key),
        "parameter_invalid_string",
      );
    }
    return value as T;
  }

  object(key: string, options: { required?: boolean } = {}): ParamReader | undefined {
    const value = this.take(key);
    if (value === undefined || value === "") {
      if (options.required) throw missingParam(this.name(key));
      return undefined;
    }
    if (typeof value === "string") throw paramError("Invalid hash", this.name(key));
    const child = new ParamReader(value, this.name(key));
    this.children.push(child);
    return child;
  }

  /** Arrays arrive as `key[0]=a&key[1]=b` (stripe-node) or `key[]=a` (curl); both decode to index keys. */
  stringArray(key: string): string[] | undefined {
    const value = this.take(key);
    if (value === undefined) return undefined;
    if (typeof value === "string" || !Object.keys(value).every((index) => /^\d+$/.test(index))) {
      throw paramError("Invalid array", this.name(key));
    }
    return Object.keys(value)
      .sort((a, b) => Number(a) - Number(b))
      .map((index) => {
        const item = value[index];
        if (typeof item !== "string") throw paramError("Invalid array", this.name(key));
        return item;
      });
  }

  /**
   * Stripe's metadata rules: at most 50 keys, keys up to 40 characters without square brackets,
   * values up to 500 characters. An empty value means "remove this key" on update.
   */
  metadata(key = "metadata"): Record<string, string> | undefined {
    const value = this.take(key);
    if (value === undefined) return undefined;
    if (value === "") return {};
    if (typeof value === "string") throw paramError("Invalid hash", this.name(key));
    const entries = Object.entries(value);
    if (entries.length > 50) {
      throw paramError(
        `Invalid metadata: metadata can have up to 50 keys, but you passed in ${entries.length} keys.`,
        this.name(key),
      );
    }
    const result: Record<string, string> = {};
    for (const [metaKey, metaValue] of entries) {
      if (typeof metaValue !== "string") {
        throw paramError(`Invalid metadata: nested values are not allowed (${metaKey}).`, this.name(key));
      }
      if (metaKey.length > 40) {
        throw paramError(
          `Metadata keys can have up to 40 characters, but you passed in a key that is ${metaKey.length} characters. Invalid key: ${metaKey}`,
          this.name(key),
        );
      }
      if (metaValue.length > 500) {
        throw paramError(
          `Metadata values can have up to 500 characters, but you passed in a value that is ${metaValue.length} characters. Invalid value: ${metaValue}`,
          this.name(key),
        );
      }
      result[metaKey] = metaValue;
    }
    return result;
  }

  /** Throws for the first parameter no reader asked for, nested readers included. */
  done(): void {
    for (const child of this.children) child.done();
    for (const key of Object.keys(this.values)) {
      if (!this.used.has(key)) {
        throw paramError(
          `Received unknown parameter: ${this.name(key)}`,
          this.name(key),
          "parameter_unknown",
        );
      }
    }
  }
}

function emptyError(name: string) {
  return paramError(
    `You passed an empty string for '${name}'. We assume empty values are an attempt to unset a parameter; however '${name}' cannot be unset. You should remove '${name}' from your request or supply a non-empty value.`,
    name,
    "parameter_invalid_empty",
  );
}
