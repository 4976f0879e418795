import { describe, expect, it } from "vitest";
import { exampleCases, openApiExampleCases, type ExampleCase } from "./example-catalog";
import { ACP_VERSIONS, formatErrors } from "./spec";

/**
 * Upstream examples that do not validate against their own version's schema, and why. Every entry
 * names its examples exactly (`version | file | key`) and a fragment the validator's errors must
 * contain, so a fix upstream (or a regression in our validator) shows up as a failing test here.
 * `spec:` files are the examples written inside the OpenAPI documents.
 */
const KNOWN_FAILURES: Array<{ why: string; errorContains: string; cases: string[] }> = [
  {
    why: "2025-09-29 complete response example carries no `order`, which CheckoutSessionWithOrder requires",
    errorContains: "required property 'order'",
    cases: ["2025-09-29 | examples.agentic_checkout.json | complete_checkout_session_response"],
  },
  {
    why: 'webhook OpenAPI example sends a refund amount as the string "1.00"; the schema says integer minor units (fixed in 2026-01-30)',
    errorContains: "$.data.refunds[0].amount must be integer",
    cases: ["2025-09-29", "2025-12-12", "2026-01-16"].map(
      (v) =>
        `${v} | spec:openapi/openapi.agentic_checkout_webhook.yaml | POST /agentic_checkout/webhooks/order_events request order_updated`,
    ),
  },
  {
    why: "delegate_payment OpenAPI error examples use `type`/`code` values outside the Error enums (e.g. code `invalid_api_key`)",
    errorContains: "must be equal to one of the allowed values",
    cases: ACP_VERSIONS.flatMap((v) =>
      [
        "401 unauthorized",
        "429 rate_limit_exceeded",
        "500 internal_server_error",
        "503 service_unavailable",
      ].map(
        (k) =>
          `${v} | spec:openapi/openapi.delegate_payment.yaml | POST /agentic_commerce/delegate_payment ${k}`,
      ),
    ),
  },
  {
    why: "2026-01-16 capability-negotiation requests use a draft `agent_capabilities` field no schema defines",
    errorContains: 'additional properties: "agent_capabilities"',
    cases: [
      "successful_negotiation",
      "incompatible_payment_method",
      "authentication_requirement",
      "bnpl_capable",
      "network_tokenization",
      "digital_wallet",
      "minimal_agent_capabilities",
    ].map((k) => `2026-01-16 | examples.capability_negotiation.json | ${k}_request`),
  },
  {
    why: "2026-01-16 capability-negotiation responses use a draft `seller_capabilities` field no schema defines",
    errorContains: 'additional properties: "seller_capabilities"',
    cases: [
      "successful_negotiation",
      "incompatible_payment_method",
      "authentication_requirement",
      "bnpl_capable",
      "network_tokenization",
      "digital_wallet",
      "minimal_seller_capabilities",
    ].map((k) => `2026-01-16 | examples.capability_negotiation.json | ${k}_response`),
  },
  {
    why: "discount-extension requests omit `capabilities` (required from 2026-01-30) and send `line_items[].quantity`, which Item lacks (issue #264)",
    errorContains: "must have required property 'capabilities'",
    cases: ["2026-01-30", "2026-04-17"].flatMap((v) =>
      [
        "automatic-discount",
        "order-level-discount",
        "percentage-discount-with-allocations",
        "rejected-discount-code",
        "stacked-discounts",
      ].map((f) => `${v} | discount-extension/${f}.json | request`),
    ),
  },
  {
    why: "discount-extension responses declare `capabilities.payment_methods` (from rfc.capability_negotiation), which Capabilities does not have",
    errorContains: 'additional properties: "payment_methods"',
    cases: ["2026-01-30", "2026-04-17"].flatMap((v) =>
      [
        "automatic-discount",
        "order-level-discount",
        "percentage-discount-with-allocations",
        "rejected-discount-code",
        "stacked-discounts",
      ].map((f) => `${v} | discount-extension/${f}.json | response`),
    ),
  },
  {
    why: "checkout OpenAPI create examples still use the 2025 request (`items`) after 2026-01-30 moved to `line_items` + `currency` + `capabilities`",
    errorContains: 'additional properties: "items"',
    cases: ["2026-01-30", "2026-04-17"].flatMap((v) =>
      ["minimal", "with_address", "with_first_touch_attribution"].map(
        (k) => `${v} | spec:openapi/openapi.agentic_checkout.yaml | POST /checkout_sessions request ${k}`,
      ),
    ),
  },
  {
    why: "update examples select a fulfillment option in the 2025-12-12 shape (`{type, shipping:{option_id,item_ids}}`), not the 2026-01-30 `{type, option_id, item_ids}`",
    errorContains: 'additional properties: "shipping"',
    cases: [
      "2026-01-30 | spec:openapi/openapi.agentic_checkout.yaml | POST /checkout_sessions/{checkout_session_id} request set_fulfillment_option",
      "2026-04-17 | spec:openapi/openapi.agentic_checkout.yaml | POST /checkout_sessions/{checkout_session_id} request set_fulfillment_option",
      "2026-04-17 | examples.mcp.agentic_checkout.json | update_checkout_session_request",
    ],
  },
  {
    why: "checkout OpenAPI complete examples still send `payment_data{token, provider}` after 2026-01-30 moved to payment handlers",
    errorContains: 'additional properties: "token"',
    cases: ["2026-01-30", "2026-04-17"].flatMap((v) =>
      ["basic", "with_affiliate_attribution"].map(
        (k) =>
          `${v} | spec:openapi/openapi.agentic_checkout.yaml | POST /checkout_sessions/{checkout_session_id}/complete request ${k}`,
      ),
    ),
  },
  {
    why: "2026-04-17 webhook examples are stale: `refunds` was removed in 2026-04-17 and Order now requires `id`",
    errorContains: 'additional properties: "refunds"',
    cases: ["webhook_order_create_event", "webhook_order_update_event"].map(
      (k) => `2026-04-17 | examples.agentic_checkout.json | ${k}`,
    ),
  },
  {
    why: "the denied 3DS example omits `three_ds_cryptogram` and `electronic_commerce_indicator`, which outcome_details requires whatever the outcome",
    errorContains: "three_ds_cryptogram",
    cases: ["2026-04-17 | examples.agentic_checkout.json | authentication_result_denied_example"],
  },
  {
    why: "MCP example links use `terms_of_service`; the Link enum says `terms_of_use`",
    errorContains: "$.links[0].type must be equal to one of the allowed values",
    cases: ["2026-04-17 | examples.mcp.agentic_checkout.json | create_checkout_session_response"],
  },
  {
    why: "MCP example sessions omit `fulfillment_options`, required in every CheckoutSession",
    errorContains: "must have required property 'fulfillment_options'",
    cases: ["get", "update", "complete", "cancel"].map(
      (op) => `2026-04-17 | examples.mcp.agentic_checkout.json | ${op}_checkout_session_response`,
    ),
  },
  {
    why: "MCP complete example sends `instrument: {token}` without `type` and `credential`",
    errorContains: "$.payment_data.instrument must have required property 'credential'",
    cases: ["2026-04-17 | examples.mcp.agentic_checkout.json | complete_checkout_session_request"],
  },
  {
    why: "multi-item examples predate 2026-01-30: no `capabilities`, `protocol.capabilities`, line total type `base_amount`",
    errorContains: "must have required property 'capabilities'",
    cases: ["request", "response"].map(
      (k) => `2026-04-17 | examples.multi_item_checkout.json | create_multi_item_checkout_${k}`,
    ),
  },
  {
    why: "cart request examples send `line_items[].quantity`, which Item lacks (issue #264)",
    errorContains: 'additional properties: "quantity"',
    cases: [
      "POST /carts request minimal",
      "POST /carts request with_buyer",
      "PUT /carts/{id} request update_quantity",
    ].map((k) => `2026-04-17 | spec:openapi/openapi.cart.yaml | ${k}`),
  },
  {
    why: "cart response example totals lack `display_text`, which Total requires",
    errorContains: "must have required property 'display_text'",
    cases: ["2026-04-17 | spec:openapi/openapi.cart.yaml | POST /carts 201 created"],
  },
  {
    why: "delegate-authentication minimal example repeats `acquirer_bin`/`acquirer_merchant_id` at the top level; they belong in `acquirer_details`",
    errorContains: 'additional properties: "acquirer_bin"',
    cases: [
      "2026-04-17 | spec:openapi/openapi.delegate_authentication.yaml | POST /delegate_authentication request minimal",
    ],
  },
];

const caseId = (c: ExampleCase) => `${c.version} | ${c.file} | ${c.key}`;
const known = new Map(KNOWN_FAILURES.flatMap((entry) => entry.cases.map((id) => [id, entry] as const)));

describe.each(ACP_VERSIONS)("vendored examples of %s", (version) => {
  const cases = [...exampleCases(version), ...openApiExampleCases(version)];

  it("has examples to check", () => {
    expect(cases.length).toBeGreaterThan(10);
  });

  it.each(cases.map((c) => [caseId(c), c] as const))("%s", (_id, example) => {
    const result = example.validate();
    const expected = known.get(caseId(example));
    if (!expected) {
      expect(result.valid, `${caseId(example)} [${example.checkedAs}]\n${formatErrors(result.errors)}`).toBe(
        true,
      );
    } else {
      expect(
        result.valid,
        `${caseId(example)} was a known upstream failure (${expected.why}) and now passes`,
      ).toBe(false);
      expect(formatErrors(result.errors)).toContain(expected.errorContains);
    }
  });
});

it("every known failure names an example that exists", () => {
  const all = new Set(
    ACP_VERSIONS.flatMap((v) => [...exampleCases(v), ...openApiExampleCases(v)].map(caseId)),
  );
  expect([...known.keys()].filter((id) => !all.has(id))).toEqual([]);
});
