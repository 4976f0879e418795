import { createHmac, createPublicKey, generateKeyPairSync, verify as cryptoVerify } from "node:crypto";
import type { IncomingMessage } from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  buildRequests,
  createAcpClient,
  paymentHandlerIdFrom,
  signBody,
  validateRequest,
  validateResponse,
  type AddressInput,
  type BuyerInput,
} from "./buyer";
import { canonicalJson } from "./canonical-json";
import { headerRecord, listen, readBody, sendJson, type Listening } from "./http";
import { ACP_VERSIONS, formatErrors, loadExample, type AcpVersion } from "./spec";

const buyer: BuyerInput = {
  first_name: "Ada",
  last_name: "Lovelace",
  email: "ada@example.com",
  phone_number: "+15551234567",
};
const address: AddressInput = {
  name: "Ada Lovelace",
  line_one: "1 Analytical Way",
  city: "San Francisco",
  state: "CA",
  country: "US",
  postal_code: "94131",
};
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

function checkoutExamples(version: AcpVersion) {
  return loadExample(version, "examples.agentic_checkout.json") as Record<string, Record<string, unknown>>;
}

describe.each(ACP_VERSIONS)("buildRequests(%s)", (version) => {
  const build = buildRequests(version);
  const items = [{ id: "sku_1", quantity: 1 }];
  const expectValid = (op: Parameters<typeof validateRequest>[1], body: unknown) => {
    const result = validateRequest(version, op, body);
    expect(result.valid, `${op}: ${JSON.stringify(body)}\n${formatErrors(result.errors)}`).toBe(true);
  };

  it("builds schema-valid create, update, complete and cancel bodies", () => {
    expectValid("create", build.create({ items }));
    expectValid("create", build.create({ items: [...items, { id: "sku_2", quantity: 1 }], buyer, address }));
    expectValid("update", build.update({ address, buyer }));
    expectValid("update", build.update({ items, fulfillmentOptionId: "ship_std" }));
    expectValid("update", build.update({ fulfillmentOptionId: "ship_std", itemIds: ["sku_1"] }));
    expectValid("complete", build.complete({ paymentToken: "spt_123" }));
    expectValid("complete", build.complete({ paymentToken: "spt_123", buyer, billingAddress: address }));
    expectValid("cancel", build.cancel());
    if (version !== "2025-09-29") {
      expectValid(
        "cancel",
        build.cancel({
          intentTrace: { reason_code: "shipping_cost", trace_summary: "Too pricey", metadata: { max: 5 } },
        }),
      );
    }
  });

  it("selects a fulfillment option exactly like the version's upstream example", () => {
    const example = checkoutExamples(version).update_checkout_session_request;
    const built = build.update({ fulfillmentOptionId: "fulfillment_option_456", itemIds: ["item_123"] });
    if (version === "2025-09-29") expect(built).toEqual(example);
    else expect(built.selected_fulfillment_options).toEqual(example.selected_fulfillment_options);
  });

  it("pays exactly like the version's upstream complete example", () => {
    const example = checkoutExamples(version).complete_checkout_session_request;
    const billingAddress = (example.payment_data as { billing_address: AddressInput }).billing_address;
    const built = build.complete({
      paymentToken: "spt_123",
      buyer: example.buyer as unknown as BuyerInput,
      billingAddress,
    });
    // 2026-04-17's example also sends optional order_notes and marketing_consents.
    expect(built).toEqual({ buyer: example.buyer, payment_data: example.payment_data });
  });

  it("refuses inputs that cannot be expressed", () => {
    expect(() => build.create({ items: [] })).toThrow(/at least one item/);
    expect(() => build.create({ items: [{ id: "a", quantity: 0 }] })).toThrow(/positive integer/);
  });
});

describe("per-version shapes", () => {
  it("2025-09-29: items, fulfillment_address, fulfillment_option_id, payment_data{token, provider}, no cancel body", () => {
    const build = buildRequests("2025-09-29");
    expect(build.create({ items: [{ id: "a", quantity: 2 }], address })).toEqual({
      items: [{ id: "a", quantity: 2 }],
      fulfillment_address: address,
    });
    expect(build.update({ fulfillmentOptionId: "opt" })).toEqual({ fulfillment_option_id: "opt" });
    expect(build.complete({ paymentToken: "spt_1" })).toEqual({
      payment_data: { token: "spt_1", provider: "stripe" },
    });
    expect(build.cancel()).toBeUndefined();
    expect(() => build.cancel({ intentTrace: { reason_code: "other" } })).toThrow(/takes no body/);
  });

  it("2025-12-12: fulfillment_details and nested selected_fulfillment_options", () => {
    const build = buildRequests("2025-12-12");
    expect(build.create({ items: [{ id: "a", quantity: 1 }], address, buyer })).toEqual({
      items: [{ id: "a", quantity: 1 }],
      buyer,
      fulfillment_details: {
        name: address.name,
        phone_number: buyer.phone_number,
        email: buyer.email,
        address,
      },
    });
    expect(build.update({ fulfillmentOptionId: "dl", fulfillmentType: "digital", itemIds: ["a"] })).toEqual({
      selected_fulfillment_options: [{ type: "digital", digital: { option_id: "dl", item_ids: ["a"] } }],
    });
    expect(
      validateRequest(
        "2025-12-12",
        "update",
        build.update({ fulfillmentOptionId: "dl", fulfillmentType: "digital", itemIds: ["a"] }),
      ).valid,
    ).toBe(true);
    expect(() => build.update({ fulfillmentOptionId: "x" })).toThrow(/needs itemIds/);
  });

  it("2026-04-17: line_items + currency + capabilities, handler-based payment_data", () => {
    const build = buildRequests("2026-04-17");
    const created = build.create({ items: [{ id: "item_123", quantity: 1 }] });
    expect(created).toEqual({
      line_items: [{ id: "item_123" }],
      currency: "usd",
      capabilities: { interventions: { supported: [] } },
    });
    expect(created.line_items).toEqual(
      checkoutExamples("2026-04-17").create_checkout_session_request.line_items,
    );
    expect(build.complete({ paymentToken: "spt_9", handlerId: "h_1" })).toEqual({
      payment_data: {
        handler_id: "h_1",
        instrument: { type: "card", credential: { type: "spt", token: "spt_9" } },
      },
    });
  });

  describe.each(["2026-01-30", "2026-04-17"] as const)(
    "%s quantity above 1 (Item has no quantity, issue #264)",
    (version) => {
      const items = [{ id: "a", quantity: 3 }];

      it("'field' (default) sends quantity, as upstream examples do, and the strict schema rejects it", () => {
        const body = buildRequests(version).create({ items });
        expect(body.line_items).toEqual([{ id: "a", quantity: 3 }]);
        expect(formatErrors(validateRequest(version, "create", body).errors)).toBe(
          '$.line_items[0] must NOT have additional properties: "quantity"',
        );
      });

      it("'repeat' sends the item three times and is schema-valid; 'omit' drops the quantity", () => {
        const repeated = buildRequests(version, { quantity: "repeat" }).create({ items });
        expect(repeated.line_items).toEqual([{ id: "a" }, { id: "a" }, { id: "a" }]);
        expect(validateRequest(version, "create", repeated).valid).toBe(true);
        expect(buildRequests(version, { quantity: "omit" }).create({ items }).line_items).toEqual([
          { id: "a" },
        ]);
      });
    },
  );

  it("finds the card payment handler in a session", () => {
    const session = checkoutExamples("2026-04-17").create_checkout_session_response;
    expect(paymentHandlerIdFrom(session)).toBe("card_tokenized");
    expect(paymentHandlerIdFrom({})).toBeUndefined();
  });
});

interface Captured {
  method: string;
  url: string;
  headers: Record<string, string>;
  body: string;
}

describe("createAcpClient", () => {
  let server: Listening;
  let captured: Captured[] = [];
  let reply: (req: IncomingMessage) => { status: number; body: unknown; raw?: string } = () => ({
    status: 200,
    body: { ok: true },
  });

  beforeAll(async () => {
    server = await listen(async (req, res) => {
      const body = (await readBody(req)).toString("utf8");
      captured.push({ method: req.method!, url: req.url!, headers: headerRecord(req), body });
      const answer = reply(req);
      if (answer.raw !== undefined) {
        res.writeHead(answer.status, { "content-type": "text/plain" });
        res.end(answer.raw);
      } else
        sendJson(res, answer.status, answer.body, { "request-id": headerRecord(req)["request-id"] ?? "" });
    });
  });
  afterEach(() => {
    captured = [];
    reply = () => ({ status: 200, body: { ok: true } });
  });
  afterAll(() => server.close());

  const client = (extra: Partial<Parameters<typeof createAcpClient>[0]> = {}) =>
    createAcpClient({
      baseUrl: `${server.origin}/acp/`,
      apiKey: "key_123",
      apiVersion: "2026-04-17",
      ...extra,
    });

  it("sends the ACP headers: bearer, API-Version, Request-Id, and an Idempotency-Key (UUID v4) on every POST only", async () => {
    const c = client({ userAgent: "TestAgent/1.0", acceptLanguage: "en-US" });
    await c.createCheckout({ a: 1 });
    await c.updateCheckout("cs 1", { b: 2 });
    await c.getCheckout("cs_1");
    await c.completeCheckout("cs_1", { c: 3 });
    await c.cancelCheckout("cs_1");
    expect(captured.map((r) => `${r.method} ${r.url}`)).toEqual([
      "POST /acp/checkout_sessions",
      "POST /acp/checkout_sessions/cs%201",
      "GET /acp/checkout_sessions/cs_1",
      "POST /acp/checkout_sessions/cs_1/complete",
      "POST /acp/checkout_sessions/cs_1/cancel",
    ]);
    for (const r of captured) {
      expect(r.headers).toMatchObject({
        authorization: "Bearer key_123",
        "api-version": "2026-04-17",
        "user-agent": "TestAgent/1.0",
        "accept-language": "en-US",
      });
      expect(r.headers["request-id"]).toMatch(UUID_V4);
      if (r.method === "POST") expect(r.headers["idempotency-key"]).toMatch(UUID_V4);
      else expect(r.headers["idempotency-key"]).toBeUndefined();
    }
    const keys = captured.filter((r) => r.method === "POST").map((r) => r.headers["idempotency-key"]);
    expect(new Set(keys).size).toBe(4);
    expect(captured[0]).toMatchObject({ body: '{"a":1}', headers: { "content-type": "application/json" } });
    // Cancel without a body: nothing sent, no Content-Type, still idempotent.
    expect(captured[4].body).toBe("");
    expect(captured[4].headers["content-type"]).toBeUndefined();
  });

  it("reuses a given Idempotency-Key and Request-Id, and lets a test drop a header", async () => {
    const c = client();
    const options = { idempotencyKey: "retry-key-1", requestId: "req_fixed" };
    await c.completeCheckout("cs_1", { x: 1 }, options);
    await c.completeCheckout("cs_1", { x: 1 }, options);
    expect(captured.map((r) => [r.headers["idempotency-key"], r.headers["request-id"]])).toEqual([
      ["retry-key-1", "req_fixed"],
      ["retry-key-1", "req_fixed"],
    ]);
    await c.createCheckout({}, { headers: { "Idempotency-Key": null, "X-Extra": "1" } });
    expect(captured[2].headers["idempotency-key"]).toBeUndefined();
    expect(captured[2].headers["x-extra"]).toBe("1");
  });

  it("returns 4xx/5xx and non-JSON answers instead of throwing", async () => {
    reply = () => ({ status: 400, body: { type: "invalid_request", code: "missing", message: "no" } });
    const bad = await client().createCheckout({});
    expect(bad).toMatchObject({ status: 400, body: { code: "missing" } });
    expect(bad.headers["content-type"]).toBe("application/json");
    expect(bad.request.headers["Idempotency-Key"]).toMatch(UUID_V4);
    reply = () => ({ status: 502, body: undefined, raw: "Bad gateway" });
    expect(await client().getCheckout("x")).toMatchObject({
      status: 502,
      body: "Bad gateway",
      rawBody: "Bad gateway",
    });
  });

  it("signs the canonical JSON body with HMAC-SHA256 (base64url) and sends an RFC 3339 Timestamp", async () => {
    const c = client({
      signing: { alg: "hmac-sha256", key: "shared" },
      now: () => new Date("2026-05-01T12:00:00.000Z"),
    });
    const body = { z: 1, a: { c: [1, 2], b: null } };
    await c.createCheckout(body);
    const [request] = captured;
    const expected = createHmac("sha256", "shared")
      .update('{"a":{"b":null,"c":[1,2]},"z":1}')
      .digest("base64url");
    expect(request.headers.signature).toBe(expected);
    expect(request.headers.timestamp).toBe("2026-05-01T12:00:00.000Z");
    // The server can verify from what it received, whatever the byte order on the wire.
    expect(signBody({ alg: "hmac-sha256", key: "shared" }, JSON.parse(request.body))).toBe(expected);
    await c.getCheckout("cs_1");
    expect(captured[1].headers.signature).toBeUndefined();
  });

  it("signs with Ed25519 so the merchant can verify with the public key", async () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
    await client({ signing: { alg: "ed25519", key: pem } }).completeCheckout("cs_1", {
      payment_data: { token: "spt_1" },
    });
    const [request] = captured;
    const signed = Buffer.from(canonicalJson(JSON.parse(request.body)));
    const signature = Buffer.from(request.headers.signature, "base64url");
    expect(
      cryptoVerify(
        null,
        signed,
        createPublicKey(publicKey.export({ type: "spki", format: "pem" })),
        signature,
      ),
    ).toBe(true);
    expect(request.headers.signature).not.toMatch(/[+/=]/);
  });

  it("fetches discovery at the origin root, unauthenticated unless asked", async () => {
    reply = () => ({
      status: 200,
      body: (checkoutExamples("2026-04-17") as Record<string, unknown>).discovery_response_minimal,
    });
    const found = await client().discovery();
    expect(captured[0].url).toBe("/.well-known/acp.json");
    expect(captured[0].headers.authorization).toBeUndefined();
    expect(validateResponse("2026-04-17", "discovery", found.status, found.body).valid).toBe(true);
    await client().discovery({ authenticated: true });
    expect(captured[1].headers.authorization).toBe("Bearer key_123");
  });

  it("drives a whole flow against a merchant that answers with the upstream examples, all schema-valid", async () => {
    const examples = checkoutExamples("2026-04-17");
    reply = (req) => {
      const url = req.url ?? "";
      if (req.method === "GET") return { status: 200, body: examples.get_checkout_session_response };
      if (url.endsWith("/complete"))
        return { status: 200, body: examples.complete_checkout_session_response };
      if (url.endsWith("/cancel")) return { status: 200, body: examples.cancel_checkout_session_response };
      if (url.endsWith("/checkout_sessions"))
        return { status: 201, body: examples.create_checkout_session_response };
      return { status: 200, body: examples.update_checkout_session_response };
    };
    const c = client();
    const build = buildRequests("2026-04-17");
    const created = await c.createCheckout(
      build.create({ items: [{ id: "item_123", quantity: 1 }], buyer, address }),
    );
    const id = (created.body as { id: string }).id;
    const steps = [
      ["create", created],
      [
        "update",
        await c.updateCheckout(
          id,
          build.update({ fulfillmentOptionId: "fulfillment_option_456", itemIds: ["item_123"] }),
        ),
      ],
      ["get", await c.getCheckout(id)],
      [
        "complete",
        await c.completeCheckout(
          id,
          build.complete({ paymentToken: "spt_123", handlerId: paymentHandlerIdFrom(created.body) }),
        ),
      ],
      ["cancel", await c.cancelCheckout(id)],
    ] as const;
    for (const [op, response] of steps) {
      const verdict = validateResponse("2026-04-17", op, response.status, response.body);
      expect(verdict.valid, `${op}\n${formatErrors(verdict.errors)}`).toBe(true);
    }
  });
});

describe("validateResponse", () => {
  const examples = checkoutExamples("2026-04-17");
  const error = { type: "invalid_request", code: "idempotency_in_flight", message: "busy" };

  it("uses the status the spec documents: create answers 201, complete 200", () => {
    expect(
      validateResponse("2026-04-17", "create", 201, examples.create_checkout_session_response).valid,
    ).toBe(true);
    const as200 = validateResponse("2026-04-17", "create", 200, examples.create_checkout_session_response);
    expect(as200).toMatchObject({ valid: false, documented: false });
    expect(as200.errors[0].message).toMatch(
      /status 200 is not documented \(documented: 201, 400, 409, 422, 4XX, 5XX\)/,
    );
    // OpenAI's certification checklist says complete answers 201; the spec says 200.
    expect(
      validateResponse("2026-04-17", "complete", 201, examples.complete_checkout_session_response).documented,
    ).toBe(false);
  });

  it("matches 4XX/5XX ranges and checks required response headers when given", () => {
    expect(
      validateResponse("2026-04-17", "get", 404, { type: "invalid_request", code: "not_found", message: "x" })
        .valid,
    ).toBe(true);
    expect(
      validateResponse("2026-04-17", "cancel", 405, {
        type: "invalid_request",
        code: "not_cancelable",
        message: "x",
      }).valid,
    ).toBe(true);
    expect(
      validateResponse("2026-04-17", "create", 500, { type: "processing_error", code: "x", message: "x" })
        .valid,
    ).toBe(true);
    const noRetryAfter = validateResponse("2026-04-17", "complete", 409, error, {});
    expect(formatErrors(noRetryAfter.errors)).toBe("$ response header Retry-After is required for 409");
    expect(
      validateResponse("2026-04-17", "complete", 409, error, new Headers({ "retry-after": "1" })).valid,
    ).toBe(true);
    expect(validateResponse("2026-04-17", "complete", 409, error).valid).toBe(true);
  });

  it("knows which versions' Error may carry supported_versions (only 2026-04-17)", () => {
    const versionError = {
      type: "invalid_request",
      code: "unsupported_api_version",
      message: "no",
      supported_versions: ["2026-04-17"],
    };
    expect(validateResponse("2026-04-17", "create", 400, versionError).valid).toBe(true);
    expect(formatErrors(validateResponse("2026-01-30", "create", 400, versionError).errors)).toBe(
      '$ must NOT have additional properties: "supported_versions"',
    );
  });

  it("validates discovery 200 against DiscoveryResponse, and accepts a bodyless 404", () => {
    expect(validateResponse("2025-09-29", "discovery", 200, examples.discovery_response_full).valid).toBe(
      true,
    );
    expect(validateResponse("2026-04-17", "discovery", 404, undefined).valid).toBe(true);
    expect(validateResponse("2026-04-17", "discovery", 500, undefined).valid).toBe(false);
  });

  it("validateRequest knows when a body is allowed at all", () => {
    expect(validateRequest("2025-09-29", "cancel", undefined).valid).toBe(true);
    expect(formatErrors(validateRequest("2025-09-29", "cancel", {}).errors)).toBe(
      "$ cancel takes no request body in 2025-09-29",
    );
    expect(validateRequest("2026-04-17", "cancel", undefined).valid).toBe(true);
    expect(formatErrors(validateRequest("2026-04-17", "create", undefined).errors)).toBe(
      "$ create requires a request body in 2026-04-17",
    );
  });
});
