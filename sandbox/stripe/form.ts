import { paramError } from "./errors";

/**
 * Stripe's v1 parameters after decoding: `metadata[k]=v` and `expand[0]=x` become nested objects.
 * Numeric keys stay object keys here (`{ "0": "x" }`) because only the endpoint knows whether
 * `expand` is a list or `metadata` happens to have a key named "0".
 */
export type FormValue = string | FormObject;
export interface FormObject {
  [key: string]: FormValue;
}

const KEY_PATTERN = /^([^[\]]+)((?:\[[^[\]]*\])*)$/;

/**
 * Decodes `application/x-www-form-urlencoded` text with bracket notation, the way stripe-node
 * (`a[b][0]=c`) and curl `-d "a[]=c"` send it. Malformed or contradictory keys are a 400, since
 * Stripe would not guess either.
 */
export function parseForm(text: string): FormObject {
  const root: FormObject = {};
  // URLSearchParams handles both `+` and `%20` for spaces, as Stripe does.
  for (const [rawKey, value] of new URLSearchParams(text)) {
    const match = KEY_PATTERN.exec(rawKey);
    if (!match) throw paramError(`Invalid parameter name: ${rawKey}`, rawKey);
    const path = [match[1], ...[...match[2].matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1])];
    assign(root, path, value, rawKey);
  }
  return root;
}

function assign(root: FormObject, path: string[], value: string, rawKey: string) {
  let node = root;
  for (let i = 0; i < path.length; i++) {
    // `a[]=x&a[]=y` appends: the next free index, as Rack and qs do.
    const segment = path[i] === "" ? String(Object.keys(node).length) : path[i];
    const last = i === path.length - 1;
    const existing = node[segment];
    if (last) {
      if (existing !== undefined) {
        throw paramError(`Received the parameter ${rawKey} more than once.`, rawKey);
      }
      node[segment] = value;
      return;
    }
    if (typeof existing === "string") {
      throw paramError(`Received both a value and nested values for ${rawKey}.`, rawKey);
    }
    node = existing ?? (node[segment] = {});
  }
}

/** Key-order-independent JSON, so the idempotency layer compares parameters rather than bytes. */
export function canonicalJson(value: FormValue): string {
  if (typeof value === "string") return JSON.stringify(value);
  const keys = Object.keys(value).sort();
  return `{${keys.map((key) => `${JSON.stringify(key)}:${canonicalJson(value[key])}`).join(",")}}`;
}
