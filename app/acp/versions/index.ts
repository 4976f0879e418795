/**
 * One wire adapter per released ACP version, grouped by generation (the breaking releases):
 *
 * | Generation          | Versions                 | Shape                                                    |
 * |---------------------|--------------------------|----------------------------------------------------------|
 * | generation-2025-09  | 2025-09-29               | items, fulfillment_address, fulfillment_option_id        |
 * | generation-2025-12  | 2025-12-12, 2026-01-16   | fulfillment_details, selected_fulfillment_options[]      |
 * | generation-2026-01-30 | 2026-01-30, 2026-04-17 | capabilities, line_items+totals[], payment handlers      |
 *
 * Within a generation the versions differ only by the descriptors below.
 * Serialized sessions share arrays with the domain session (images, codes, metadata): treat them
 * as read-only, they exist to be JSON-encoded.
 *
 * @example
 *   const adapter = adapterFor(request.headers.get("API-Version") ?? "");
 *   if (!adapter) throw unsupportedVersion();
 *   const parsed = adapter.parseCreate(await request.json());
 */
import { ACP_VERSIONS, type AcpVersion, type AcpVersionAdapter } from "../version-adapter";
import { adapter2025_09_29 } from "./generation-2025-09";
import { createGeneration2025_12Adapter, type Generation2025_12 } from "./generation-2025-12";
import { createGeneration2026Adapter, type Generation2026 } from "./generation-2026-01-30";

const V2025_12_12: Generation2025_12 = {
  version: "2025-12-12",
  merchantScopedProviders: false,
  optionTotals: false,
};

const V2026_01_16: Generation2025_12 = {
  version: "2026-01-16",
  merchantScopedProviders: true,
  optionTotals: true,
};

const V2026_01_30: Generation2026 = {
  version: "2026-01-30",
  idempotencyKeyRequired: false,
  messageResolution: false,
  handlerDisplayName: false,
  orderNotes: false,
  authenticationMetadata: false,
};

const V2026_04_17: Generation2026 = {
  version: "2026-04-17",
  idempotencyKeyRequired: true,
  messageResolution: true,
  handlerDisplayName: true,
  orderNotes: true,
  authenticationMetadata: true,
};

export const adapters: Readonly<Record<AcpVersion, AcpVersionAdapter>> = {
  "2025-09-29": adapter2025_09_29,
  "2025-12-12": createGeneration2025_12Adapter(V2025_12_12),
  "2026-01-16": createGeneration2025_12Adapter(V2026_01_16),
  "2026-01-30": createGeneration2026Adapter(V2026_01_30),
  "2026-04-17": createGeneration2026Adapter(V2026_04_17),
};

/** The adapter for a version; for an arbitrary header value, null when the version is not served. */
export function adapterFor(version: AcpVersion): AcpVersionAdapter;
export function adapterFor(version: string): AcpVersionAdapter | null;
export function adapterFor(version: string): AcpVersionAdapter | null {
  return (ACP_VERSIONS as readonly string[]).includes(version) ? adapters[version as AcpVersion] : null;
}
