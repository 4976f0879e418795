import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { validateCheckoutDef, validateRequest, validateResponse } from "./contract";
import {
  ACP_VERSIONS,
  SCHEMA_NORMALIZATIONS,
  VENDOR_ROOT,
  compileSchema,
  listExampleFiles,
  listSpecFiles,
  loadExample,
  loadSchema,
  schemaUri,
  specAjv,
  toJsonPath,
  validateDef,
} from "./spec";

describe("vendored spec files", () => {
  it("has every released version and no unreleased one", () => {
    for (const version of ACP_VERSIONS) {
      expect(listSpecFiles(version)).toContain("json-schema/schema.agentic_checkout.json");
      expect(listSpecFiles(version)).toContain("openapi/openapi.agentic_checkout_webhook.yaml");
      expect(listExampleFiles(version)).toContain("examples.agentic_checkout.json");
    }
    expect(listSpecFiles("2026-04-17")).toEqual(
      expect.arrayContaining([
        "openapi/openapi.feed.yaml",
        "json-schema/schema.feed.json",
        "openrpc/openrpc.agentic_checkout.json",
      ]),
    );
    expect(() => listSpecFiles("unreleased" as never)).toThrow(/Unknown ACP version/);
  });

  it("ships the licence, notice and provenance with the copy", () => {
    expect(readFileSync(path.join(VENDOR_ROOT, "LICENSE"), "utf8")).toContain("Apache License");
    expect(readFileSync(path.join(VENDOR_ROOT, "NOTICE"), "utf8")).toMatch(/OpenAI/);
    expect(readFileSync(path.join(VENDOR_ROOT, "SOURCE.md"), "utf8")).toContain(
      "c2afc863b46b6bb64fbc2be969bff25ee6eab652",
    );
  });

  it("loads documents once, parsed, and frozen so no caller can edit the shared copy", () => {
    const doc = loadSchema("2026-04-17", "json-schema/schema.feed.json") as {
      $defs: Record<string, unknown>;
    };
    expect(loadSchema("2026-04-17", "json-schema/schema.feed.json")).toBe(doc);
    expect(Object.isFrozen(doc.$defs.Product)).toBe(true);
    const onDisk = JSON.parse(
      readFileSync(path.join(VENDOR_ROOT, "spec/2026-04-17/json-schema/schema.feed.json"), "utf8"),
    );
    expect(doc).toEqual(onDisk);
    expect(loadExample("2026-04-17", "examples.feed.json")).toHaveProperty("create_feed_request_minimal");
  });

  it("names a missing file clearly", () => {
    expect(() => loadSchema("2025-09-29", "openapi/openapi.feed.yaml")).toThrow(
      /No vendored spec file spec\/2025-09-29/,
    );
  });
});

describe("validators", () => {
  it("compiles once per location and reuses one Ajv per version", () => {
    expect(specAjv("2026-04-17")).toBe(specAjv("2026-04-17"));
    expect(specAjv("2026-04-17")).not.toBe(specAjv("2026-01-30"));
    const a = compileSchema(
      "2026-04-17",
      "json-schema/schema.agentic_checkout.json",
      "/$defs/CheckoutSession",
    );
    const b = compileSchema(
      "2026-04-17",
      "json-schema/schema.agentic_checkout.json",
      "/$defs/CheckoutSession",
    );
    expect(a).toBe(b);
  });

  it("keeps versions apart although their bundles declare the same $id", () => {
    const create2025 = { items: [{ id: "sku_1", quantity: 1 }] };
    expect(
      validateDef(
        "2025-09-29",
        "json-schema/schema.agentic_checkout.json",
        "CheckoutSessionCreateRequest",
        create2025,
      ).valid,
    ).toBe(true);
    expect(
      validateDef(
        "2026-04-17",
        "json-schema/schema.agentic_checkout.json",
        "CheckoutSessionCreateRequest",
        create2025,
      ).valid,
    ).toBe(false);
  });

  it("resolves $refs across files: webhook YAML → checkout YAML (2026-04-17)", () => {
    const event = {
      type: "order_create",
      data: {
        type: "order",
        id: "o1",
        checkout_session_id: "cs_1",
        permalink_url: "https://x.example/o/1",
        status: "created",
      },
    };
    expect(
      validateDef("2026-04-17", "openapi/openapi.agentic_checkout_webhook.yaml", "WebhookEvent", event).valid,
    ).toBe(true);
    const noId = { ...event, data: { ...event.data, id: undefined } };
    const result = validateDef(
      "2026-04-17",
      "openapi/openapi.agentic_checkout_webhook.yaml",
      "WebhookEvent",
      JSON.parse(JSON.stringify(noId)),
    );
    expect(result.errors.map((e) => e.message)).toContain("must have required property 'id'");
  });

  it("resolves $refs across files: discount.json → checkout bundle, relative to the file not the declared $id", () => {
    const result = validateDef(
      "2026-04-17",
      "json-schema/schema.discount.json",
      "checkout_create_request_with_discount",
      {
        line_items: [{ id: "sku_1" }],
        currency: "usd",
        capabilities: {},
        buyer: { email: "not-an-email" },
      },
    );
    expect(result.errors.map((e) => `${e.jsonPath} ${e.message}`)).toContain(
      '$.buyer.email must match format "email"',
    );
  });

  it("exposes schemaUri so others can $ref spec locations from their own schemas", () => {
    const ajv = specAjv("2026-04-17");
    const validate = ajv.compile({
      type: "array",
      items: { $ref: schemaUri("2026-04-17", "json-schema/schema.feed.json", "/$defs/Product") },
    });
    expect(validate([{ id: "p1", variants: [] }])).toBe(true);
    expect(validate([{ id: "p1" }])).toBe(false);
  });

  it("reads draft-04 `exclusiveMinimum: true` (2025-09-29 Item.quantity) as quantity > 0", () => {
    expect(SCHEMA_NORMALIZATIONS.map((n) => n.version)).toEqual(["2025-09-29", "2025-09-29"]);
    const create = (quantity: number) =>
      validateRequest("2025-09-29", "create", { items: [{ id: "a", quantity }] });
    expect(create(2.5).valid).toBe(true); // decimal quantities are allowed in 2025-09-29 (upstream #3)
    expect(create(0).valid).toBe(false);
    expect(create(-1).valid).toBe(false);
    // The file on disk is untouched.
    const item = (
      loadSchema("2025-09-29", "json-schema/schema.agentic_checkout.json") as {
        $defs: { Item: { properties: { quantity: object } } };
      }
    ).$defs.Item;
    expect(item.properties.quantity).toEqual({ type: "number", minimum: 0, exclusiveMinimum: true });
  });

  it("turns JSON Pointers into the JSONPaths ACP uses in `param`", () => {
    expect(toJsonPath("")).toBe("$");
    expect(toJsonPath("/line_items/0/item/id")).toBe("$.line_items[0].item.id");
    expect(toJsonPath("/metadata/a~1b")).toBe("$.metadata['a/b']");
  });
});

describe("allOf with a closed base (SOURCE.md caveat 2)", () => {
  const completed2025 = () => {
    const example = loadExample("2025-09-29", "examples.agentic_checkout.json") as Record<
      string,
      Record<string, unknown>
    >;
    return {
      ...structuredClone(example.complete_checkout_session_response),
      order: {
        id: "ord_1",
        checkout_session_id: "checkout_session_123",
        permalink_url: "https://shop.example/orders/1",
      },
    };
  };

  it("rejects every completed 2025-09-29 session when read strictly", () => {
    const strict = validateDef(
      "2025-09-29",
      "json-schema/schema.agentic_checkout.json",
      "CheckoutSessionWithOrder",
      completed2025(),
    );
    expect(strict.valid).toBe(false);
    expect(strict.errors.map((e) => e.message)).toContain('must NOT have additional properties: "order"');
  });

  it("accepts it read as base + order, and still checks the order", () => {
    expect(validateCheckoutDef("2025-09-29", "CheckoutSessionWithOrder", completed2025()).valid).toBe(true);
    const badOrder = { ...completed2025(), order: { id: "ord_1" } };
    const result = validateCheckoutDef("2025-09-29", "CheckoutSessionWithOrder", badOrder);
    expect(result.errors.map((e) => `${e.jsonPath} ${e.message}`)).toEqual([
      "$.order must have required property 'checkout_session_id'",
      "$.order must have required property 'permalink_url'",
    ]);
    const { order: _order, ...noOrder } = completed2025();
    expect(validateCheckoutDef("2025-09-29", "CheckoutSessionWithOrder", noOrder).errors[0].message).toBe(
      "must have required property 'order'",
    );
  });

  it("needs no split where the base declares `order` (2025-12-12 on)", () => {
    const example = loadExample("2026-04-17", "examples.agentic_checkout.json") as Record<string, unknown>;
    const body = example.complete_checkout_session_response;
    expect(
      validateDef("2026-04-17", "json-schema/schema.agentic_checkout.json", "CheckoutSessionWithOrder", body)
        .valid,
    ).toBe(true);
    expect(validateResponse("2026-04-17", "complete", 200, body).valid).toBe(true);
  });
});
