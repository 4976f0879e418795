import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { generateKeyPairSync } from "node:crypto";
import {
  buildRequests,
  createAcpClient,
  SAMPLE_ADDRESS,
  SAMPLE_BUYER,
  validateResponse,
} from "../../sandbox/agent/buyer";
import { validateCheckoutDef } from "../../sandbox/agent/contract";
import { seedAgent } from "../../sandbox/app-seed/seed";
import { EU_SHOP } from "../../sandbox/shopify-admin/fixtures/catalog";
import { ACP_VERSIONS, type AcpVersion } from "../../app/acp/version-adapter";
import { encryptSecret, parseKeyRing } from "../../app/lib/crypto.server";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { TEST_ENCRYPTION_KEYS } from "../support/app-server";
import { itemId } from "../support/catalog";

let stack: AcpStack;
let tee: string;
let tote: string;
let soldOut: string;

const buyer = SAMPLE_BUYER;
const address = SAMPLE_ADDRESS;

beforeAll(async () => {
  stack = await startAcpStack();
  tee = itemId(stack.shopify, stack.shop, "Classic Organic Tee", "White", "M");
  soldOut = itemId(stack.shopify, stack.shop, "Classic Organic Tee", "Black", "L");
  tote = itemId(stack.shopify, stack.shop, "Canvas Tote Bag");
});

afterAll(async () => {
  await stack?.stop();
});

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

function expectValid(
  version: AcpVersion,
  operation: Parameters<typeof validateResponse>[1],
  response: { status: number; body: unknown },
) {
  const result = validateResponse(version, operation, response.status, response.body);
  expect(result.errors, JSON.stringify(response.body).slice(0, 2000)).toEqual([]);
  expect(result.valid).toBe(true);
}

/** total = items_base_amount − items_discount − discount + fulfillment + tax + fees */
function expectTotalsAddUp(session: Json) {
  const totals = session.totals as { type: string; amount: number }[];
  const sum = (type: string) =>
    totals.filter((total) => total.type === type).reduce((a, t) => a + t.amount, 0);
  const total = sum("total");
  const expected =
    sum("items_base_amount") -
    sum("items_discount") -
    sum("discount") +
    sum("fulfillment") +
    sum("tax") +
    sum("fee");
  expect(total).toBe(expected);
  expect(sum("subtotal")).toBe(sum("items_base_amount") - sum("items_discount"));
  for (const total of totals) expect(Number.isInteger(total.amount) && total.amount >= 0).toBe(true);
}

describe.each(ACP_VERSIONS)("ACP %s", (version) => {
  const build = buildRequests(version);

  it("create → address → shipping choice → ready, then get and cancel", async () => {
    const client = stack.client(version);
    const created = await client.createCheckout(
      build.create({
        items: [
          { id: tee, quantity: 2 },
          { id: tote, quantity: 1 },
        ],
        buyer,
      }),
    );
    expect(created.status).toBe(201);
    expectValid(version, "create", created);
    const session = created.body as Json;
    expect(session.status).toBe("not_ready_for_payment");
    expect(session.currency).toBe("usd");
    expectTotalsAddUp(session);

    const withAddress = await client.updateCheckout(session.id, build.update({ address, buyer }));
    expect(withAddress.status).toBe(200);
    expectValid(version, "update", withAddress);
    const options = (withAddress.body as Json).fulfillment_options as Json[];
    expect(options.length).toBeGreaterThan(0);
    expect((withAddress.body as Json).status).toBe("not_ready_for_payment");

    const chosen = await client.updateCheckout(
      session.id,
      build.update({ fulfillmentOptionId: options[0].id, itemIds: [tee, tote] }),
    );
    expect(chosen.status).toBe(200);
    expectValid(version, "update", chosen);
    const ready = chosen.body as Json;
    expect(ready.status).toBe("ready_for_payment");
    expect(ready.messages).toEqual([]);
    expectTotalsAddUp(ready);
    const types = (ready.totals as Json[]).map((total) => total.type);
    expect(types).toEqual(
      expect.arrayContaining(["items_base_amount", "subtotal", "fulfillment", "tax", "total"]),
    );
    expect((ready.links as Json[]).map((link) => link.type)).toEqual(
      expect.arrayContaining(["terms_of_use", "privacy_policy"]),
    );

    const fetched = await client.getCheckout(session.id);
    expect(fetched.status).toBe(200);
    expectValid(version, "get", fetched);
    expect((fetched.body as Json).status).toBe("ready_for_payment");
    expect((fetched.body as Json).totals).toEqual(ready.totals);

    const trace =
      version === "2025-09-29" ? undefined : { intentTrace: { reason_code: "price_sensitivity" } };
    const canceled = await client.cancelCheckout(session.id, build.cancel(trace));
    expect(canceled.status).toBe(200);
    expectValid(version, "cancel", canceled);
    expect((canceled.body as Json).status).toBe("canceled");
    const again = await client.cancelCheckout(session.id, build.cancel());
    expect(again.status).toBe(405);
    expectValid(version, "cancel", again);
  });

  it("reports stock and catalog problems as messages on a 2xx session", async () => {
    const client = stack.client(version);
    const created = await client.createCheckout(
      build.create({
        items: [
          { id: "999999999", quantity: 1 },
          { id: soldOut, quantity: 1 },
          { id: tee, quantity: 40 },
        ],
        buyer,
      }),
    );
    expect(created.status).toBe(201);
    expectValid(version, "create", created);
    const session = created.body as Json;
    expect(session.status).toBe("not_ready_for_payment");
    const errors = (session.messages as Json[]).filter((message) => message.type === "error");
    expect(errors.length).toBe(3);
    for (const error of errors) expect(error.param).toMatch(/^\$\.(line_items|items)\[\d\]/);
  });
});

describe("ACP errors that have no session", () => {
  it("asks for a supported API-Version", async () => {
    const client = stack.client("2026-04-17");
    for (const header of [null, "2024-01-01"]) {
      const response = await client.createCheckout({}, { headers: { "API-Version": header } });
      expect(response.status).toBe(400);
      expect(response.body).toMatchObject({
        type: "invalid_request",
        code: header ? "unsupported_api_version" : "missing_api_version",
        supported_versions: [...ACP_VERSIONS],
      });
    }
  });

  it("refuses a wrong API key with 401", async () => {
    const response = await stack.client("2026-04-17", "acp_sk_not-a-real-key").getCheckout("cs_x");
    expect(response.status).toBe(401);
    expect(response.headers["www-authenticate"]).toContain("Bearer");
    // 401 is not among the operation's documented statuses; the body is still the spec's Error.
    expect(validateCheckoutDef("2026-04-17", "Error", response.body).errors).toEqual([]);
  });

  it("refuses malformed JSON with 400 and never a stack trace", async () => {
    const response = await stack.client("2025-09-29").request("POST", "/checkout_sessions", undefined, {
      headers: { "Content-Type": "application/json" },
    });
    expect([400, 415]).toContain(response.status);
    expect(response.rawBody).not.toMatch(/at \w+ \(|node_modules/);
  });

  it("answers 404 for another shop's session, never the session", async () => {
    const euAgent = await seedAgent(stack.db, { shop: EU_SHOP, name: "EU agent" });
    const euClient = stack.client("2026-04-17", euAgent.apiKey);
    const build = buildRequests("2026-04-17");
    const created = await euClient.createCheckout(
      build.create({ items: [{ id: tee, quantity: 1 }], currency: "eur" }),
    );
    expect(created.status).toBe(201);
    const id = (created.body as Json).id as string;
    const fromDemo = await stack.client("2026-04-17").getCheckout(id);
    expect(fromDemo.status).toBe(404);
    expect(JSON.stringify(fromDemo.body)).not.toContain("line_items");
  });
});

describe("Idempotency (2026-04-17)", () => {
  const version = "2026-04-17" as const;
  const build = buildRequests(version);

  it("requires a key on every POST", async () => {
    const response = await stack
      .client(version)
      .createCheckout(build.create({ items: [{ id: tee, quantity: 1 }] }), {
        headers: { "Idempotency-Key": null },
      });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({ code: "idempotency_key_required" });
  });

  it("replays the stored response for the same key and body, once", async () => {
    const client = stack.client(version);
    const body = build.create({ items: [{ id: tee, quantity: 1 }], buyer });
    const before = await stack.db.checkoutSession.count();
    const first = await client.createCheckout(body, { idempotencyKey: "replay-key-1" });
    const second = await client.createCheckout(body, { idempotencyKey: "replay-key-1" });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.headers["idempotent-replayed"]).toBe("true");
    expect(second.body).toEqual(first.body);
    expect(await stack.db.checkoutSession.count()).toBe(before + 1);
  });

  it("refuses the same key with another body (422 idempotency_conflict)", async () => {
    const client = stack.client(version);
    await client.createCheckout(build.create({ items: [{ id: tee, quantity: 1 }] }), {
      idempotencyKey: "conflict-key",
    });
    const other = await client.createCheckout(build.create({ items: [{ id: tee, quantity: 2 }] }), {
      idempotencyKey: "conflict-key",
    });
    expect(other.status).toBe(422);
    expect(other.body).toMatchObject({ type: "invalid_request", code: "idempotency_conflict" });
  });

  it("answers 409 with Retry-After while the first request with the key is still running", async () => {
    const client = stack.client(version);
    const slow = stack.shopify.faults.add({ rootField: "draftOrderCalculate", delayMs: 1500, times: 1 });
    const body = build.create({ items: [{ id: tote, quantity: 1 }] });
    const before = await stack.db.checkoutSession.count();
    const first = client.createCheckout(body, { idempotencyKey: "in-flight-key" });
    await new Promise((resolve) => setTimeout(resolve, 400));
    const second = await client.createCheckout(body, { idempotencyKey: "in-flight-key" });
    expect(second.status).toBe(409);
    expect(second.body).toMatchObject({ code: "idempotency_in_flight" });
    expect(Number(second.headers["retry-after"])).toBeGreaterThan(0);
    expect((await first).status).toBe(201);
    slow.remove();
    const third = await client.createCheckout(body, { idempotencyKey: "in-flight-key" });
    expect(third.headers["idempotent-replayed"]).toBe("true");
    expect(await stack.db.checkoutSession.count()).toBe(before + 1);
  });

  it("does not store a 5xx: a retry with the key is a fresh request", async () => {
    const client = stack.client(version);
    const outage = stack.shopify.faults.add({
      rootField: "draftOrderCalculate",
      status: 503,
      times: Infinity,
    });
    const body = build.create({ items: [{ id: tote, quantity: 1 }] });
    const failed = await client.createCheckout(body, { idempotencyKey: "fivexx-key" });
    outage.remove();
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ type: "service_unavailable" });
    expect(Number(failed.headers["retry-after"])).toBeGreaterThan(0);
    const retried = await client.createCheckout(body, { idempotencyKey: "fivexx-key" });
    expect(retried.status).toBe(201);
    expect(retried.headers["idempotent-replayed"]).toBeUndefined();
  });
});

describe("Discovery", () => {
  it("serves /.well-known/acp.json unauthenticated, cacheable, without merchant identifiers", async () => {
    const response = await stack.client("2026-04-17").discovery();
    expect(response.status).toBe(200);
    expect(response.headers["cache-control"]).toContain("public");
    expectValid("2026-04-17", "discovery", response);
    expect(JSON.stringify(response.body)).not.toContain("myshopify.com");
    expect((response.body as Json).api_base_url).toBe(stack.app.url);
  });
});

describe("Request signing", () => {
  const version = "2026-04-17" as const;
  const build = buildRequests(version);

  async function signedAgent(algorithm: "hmac-sha256" | "ed25519", storedKey: string) {
    const agent = await seedAgent(stack.db, {
      shop: stack.shop,
      name: `Signing ${algorithm}`,
      settings: {
        signingAlgorithm: algorithm,
        signingKeyEncrypted: encryptSecret(storedKey, parseKeyRing(TEST_ENCRYPTION_KEYS)),
      },
    });
    return agent.apiKey;
  }

  it.each(["hmac-sha256", "ed25519"] as const)(
    "accepts %s signatures over the canonical body and refuses bad ones",
    async (algorithm) => {
      let storedKey: string;
      let signingKey: string;
      if (algorithm === "hmac-sha256") {
        storedKey = signingKey = "shared-signing-secret";
      } else {
        const pair = generateKeyPairSync("ed25519");
        storedKey = pair.publicKey.export({ type: "spki", format: "pem" }).toString();
        signingKey = pair.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
      }
      const apiKey = await signedAgent(algorithm, storedKey);
      const body = build.create({ items: [{ id: tote, quantity: 1 }] });
      const signed = createAcpClient({
        baseUrl: stack.app.url,
        apiKey,
        apiVersion: version,
        signing: { alg: algorithm, key: signingKey },
      });
      const ok = await signed.createCheckout(body);
      expect(ok.status).toBe(201);
      // Reads carry no body and need no signature.
      const read = await signed.getCheckout((ok.body as Json).id);
      expect(read.status, JSON.stringify(read.body)).toBe(200);

      const unsigned = createAcpClient({ baseUrl: stack.app.url, apiKey, apiVersion: version });
      const missing = await unsigned.createCheckout(body);
      expect(missing.status).toBe(401);
      expect(missing.body).toMatchObject({ code: "invalid_signature" });

      const wrong = createAcpClient({
        baseUrl: stack.app.url,
        apiKey,
        apiVersion: version,
        signing: {
          alg: algorithm,
          key: algorithm === "hmac-sha256" ? "another-secret" : generateKeyPairSync("ed25519").privateKey,
        },
      });
      expect((await wrong.createCheckout(body)).status).toBe(401);

      const stale = createAcpClient({
        baseUrl: stack.app.url,
        apiKey,
        apiVersion: version,
        signing: { alg: algorithm, key: signingKey },
        now: () => new Date(Date.now() - 10 * 60_000),
      });
      expect((await stale.createCheckout(body)).body).toMatchObject({ code: "invalid_signature" });
    },
  );
});
