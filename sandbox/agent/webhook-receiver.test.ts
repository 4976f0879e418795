import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ACP_VERSIONS, validateDef, validateWithSchema, type AcpVersion } from "./spec";
import {
  signWebhookPayload,
  startWebhookReceiver,
  verifyWebhookSignature,
  type WebhookReceiver,
} from "./webhook-receiver";

const SECRET = "whsec_test_secret";
const NOW_MS = Date.parse("2026-05-01T12:00:00Z");
const NOW_S = NOW_MS / 1000;
const WEBHOOK_FILE = "openapi/openapi.agentic_checkout_webhook.yaml";

/** A minimal valid order event for each version's schema. */
function orderEvent(version: AcpVersion, type = "order_create", status = "created") {
  const data =
    version === "2026-04-17"
      ? {
          type: "order",
          id: "ord_1",
          checkout_session_id: "cs_1",
          permalink_url: "https://shop.example/orders/1",
          status,
        }
      : {
          type: "order",
          checkout_session_id: "cs_1",
          permalink_url: "https://shop.example/orders/1",
          status,
          refunds: [],
        };
  return { type, data };
}

async function post(
  receiver: WebhookReceiver,
  body: unknown,
  { sign = true, timestamp = Math.floor(Date.now() / 1000), headers = {} as Record<string, string> } = {},
) {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const all: Record<string, string> = { "Content-Type": "application/json", ...headers };
  if (sign)
    all[receiver.signatureHeader] = signWebhookPayload(receiver.version, receiver.secret, raw, { timestamp });
  const response = await fetch(receiver.url, { method: "POST", headers: all, body: raw });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe("verifyWebhookSignature", () => {
  const body = JSON.stringify(orderEvent("2026-04-17"));
  const verify = (
    version: AcpVersion,
    header: string | undefined,
    extra: Partial<Parameters<typeof verifyWebhookSignature>[1]> = {},
  ) => verifyWebhookSignature(version, { header, rawBody: body, secret: SECRET, nowMs: NOW_MS, ...extra });

  describe.each(ACP_VERSIONS)("%s", (version) => {
    it("accepts its own scheme, signed over the exact raw bytes", () => {
      const header = signWebhookPayload(version, SECRET, body, { timestamp: NOW_S });
      expect(verify(version, header)).toMatchObject({ ok: true });
    });

    it("rejects a wrong secret, a changed body and a missing header", () => {
      const header = signWebhookPayload(version, "whsec_other", body, { timestamp: NOW_S });
      expect(verify(version, header)).toMatchObject({ ok: false, reason: "mismatch" });
      const good = signWebhookPayload(version, SECRET, body, { timestamp: NOW_S });
      expect(verify(version, good, { rawBody: body.replace("created", "shipped") })).toMatchObject({
        ok: false,
        reason: "mismatch",
      });
      // Same JSON, other bytes: the signature covers bytes, not meaning.
      expect(verify(version, good, { rawBody: JSON.stringify(JSON.parse(body), null, 2) })).toMatchObject({
        ok: false,
        reason: "mismatch",
      });
      expect(verify(version, undefined)).toEqual({
        ok: false,
        reason: "missing",
        message: "Missing Merchant-Signature header.",
      });
    });

    it("rejects a stale or future Timestamp header and a malformed one", () => {
      const header = signWebhookPayload(version, SECRET, body, { timestamp: NOW_S });
      expect(
        verify(version, header, { timestampHeader: new Date(NOW_MS - 299_000).toISOString() }),
      ).toMatchObject({ ok: true });
      expect(
        verify(version, header, { timestampHeader: new Date(NOW_MS - 301_000).toISOString() }),
      ).toMatchObject({ reason: "stale" });
      expect(
        verify(version, header, { timestampHeader: new Date(NOW_MS + 301_000).toISOString() }),
      ).toMatchObject({ reason: "stale" });
      expect(verify(version, header, { timestampHeader: "yesterday" })).toMatchObject({
        reason: "malformed",
      });
    });
  });

  describe('2026-04-17: t=<unix>,v1=<hex> over "<t>.<raw body>"', () => {
    it("matches an independently computed HMAC", async () => {
      const { createHmac } = await import("node:crypto");
      const expected = createHmac("sha256", SECRET).update(`${NOW_S}.${body}`).digest("hex");
      expect(signWebhookPayload("2026-04-17", SECRET, body, { timestamp: NOW_S })).toBe(
        `t=${NOW_S},v1=${expected}`,
      );
    });

    it("enforces the ±300 s window on t", () => {
      for (const [offset, ok] of [
        [-300, true],
        [-301, false],
        [300, true],
        [301, false],
      ] as const) {
        const header = signWebhookPayload("2026-04-17", SECRET, body, { timestamp: NOW_S + offset });
        expect(verify("2026-04-17", header).ok, `offset ${offset}`).toBe(ok);
      }
      const old = signWebhookPayload("2026-04-17", SECRET, body, { timestamp: NOW_S - 3600 });
      expect(verify("2026-04-17", old)).toEqual({
        ok: false,
        reason: "stale",
        message: "Timestamp outside allowed window.",
      });
      expect(verify("2026-04-17", old, { toleranceSec: 7200 })).toMatchObject({ ok: true });
    });

    it.each([
      ["v1 first", (t: number, v1: string) => `v1=${v1},t=${t}`],
      ["spaces", (t: number, v1: string) => `t=${t}, v1=${v1}`],
      ["two signatures", (t: number, v1: string) => `t=${t},v1=${v1},v1=${v1}`],
      ["base64 digest", (t: number, v1: string) => `t=${t},v1=${Buffer.from(v1, "hex").toString("base64")}`],
      ["bare hex (older scheme)", (_t: number, v1: string) => v1],
    ])("rejects a header that breaks the spec pattern: %s", (_name, make) => {
      const [, t, v1] = /^t=(\d+),v1=(\w+)$/.exec(
        signWebhookPayload("2026-04-17", SECRET, body, { timestamp: NOW_S }),
      )!;
      expect(verify("2026-04-17", make(Number(t), v1))).toMatchObject({ ok: false, reason: "malformed" });
    });
  });

  describe("2025-09-29 … 2026-01-30: HMAC-SHA256 of the raw body, encoding unspecified", () => {
    it("accepts hex, base64 and base64url and says which", () => {
      const hex = signWebhookPayload("2025-09-29", SECRET, body);
      const b64 = signWebhookPayload("2025-09-29", SECRET, body, { encoding: "base64" });
      expect(verify("2025-09-29", hex)).toEqual({ ok: true, scheme: "hmac-hex" });
      expect(verify("2025-09-29", hex.toUpperCase())).toEqual({ ok: true, scheme: "hmac-hex" });
      expect(verify("2025-09-29", b64)).toEqual({ ok: true, scheme: "hmac-base64" });
      expect(verify("2025-09-29", Buffer.from(b64, "base64").toString("base64url"))).toEqual({
        ok: true,
        scheme: "hmac-base64url",
      });
    });

    it("rejects prefixed or timestamped forms it was not told about", () => {
      const hex = signWebhookPayload("2026-01-30", SECRET, body);
      expect(verify("2026-01-30", `sha256=${hex}`)).toMatchObject({ reason: "malformed" });
      expect(
        verify("2026-01-30", signWebhookPayload("2026-04-17", SECRET, body, { timestamp: NOW_S })),
      ).toMatchObject({
        reason: "malformed",
      });
    });
  });
});

describe.each(ACP_VERSIONS)("order webhook receiver, %s", (version) => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver({ version, secret: SECRET });
  });
  afterEach(() => receiver.reset());
  afterAll(() => receiver.close());

  const errorBodyIsSpecError = (body: unknown) =>
    expect(validateDef(version, WEBHOOK_FILE, "Error", body).valid, JSON.stringify(body)).toBe(true);

  it("accepts a correctly signed, schema-valid event with 200 {received:true} and records it", async () => {
    const event = orderEvent(version);
    const response = await post(receiver, event, { headers: { "Request-Id": "req_1" } });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true, request_id: "req_1" });
    expect(response.headers.get("request-id")).toBe("req_1");
    const okSchema =
      "/paths/~1agentic_checkout~1webhooks~1order_events/post/responses/200/content/application~1json/schema";
    expect(validateWithSchema(version, WEBHOOK_FILE, okSchema, response.body).valid).toBe(true);

    const [delivery] = receiver.deliveries();
    expect(delivery).toMatchObject({
      seq: 1,
      accepted: true,
      status: 200,
      eventType: "order_create",
      eventKind: "create",
      requestId: "req_1",
    });
    expect(delivery.body).toEqual(event);
    expect(delivery.rawBody).toBe(JSON.stringify(event));
    expect(delivery.headers["merchant-signature"]).toBeTruthy();
    expect(delivery.eventId).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(receiver.events()).toEqual([event]);
  });

  it("answers 401 invalid_signature to a bad, missing or stale signature", async () => {
    const bad = await fetch(receiver.url, {
      method: "POST",
      headers: {
        "Content-Type": "application/json",
        "Merchant-Signature": signWebhookPayload(version, "wrong", "{}"),
      },
      body: JSON.stringify(orderEvent(version)),
    });
    expect(bad.status).toBe(401);
    const badBody = await bad.json();
    expect(badBody).toMatchObject({ type: "invalid_request", code: "invalid_signature" });
    errorBodyIsSpecError(badBody);

    const missing = await post(receiver, orderEvent(version), { sign: false });
    expect(missing.status).toBe(401);
    expect(missing.body.message).toBe("Missing Merchant-Signature header.");

    const staleTimestamp = Math.floor(Date.now() / 1000) - 301;
    const stale = await post(receiver, orderEvent(version), {
      timestamp: staleTimestamp,
      headers: { Timestamp: new Date(staleTimestamp * 1000).toISOString() },
    });
    expect(stale.status).toBe(401);
    expect(stale.body.message).toBe("Timestamp outside allowed window.");
    expect(receiver.accepted()).toEqual([]);
    expect(receiver.deliveries().map((d) => d.signature?.ok)).toEqual([false, false, false]);
    expect(receiver.deliveries().map((d) => d.verdict)).toEqual([
      "invalid_signature",
      "invalid_signature",
      "invalid_signature",
    ]);
  });

  it("answers 400 with a JSONPath param to a body its schema rejects", async () => {
    const event = orderEvent(version);
    const response = await post(receiver, { ...event, data: { ...event.data, permalink_url: "not a url" } });
    expect(response.status).toBe(400);
    expect(response.body).toMatchObject({
      type: "invalid_request",
      code: "invalid_payload",
      param: "$.data.permalink_url",
    });
    errorBodyIsSpecError(response.body);
    expect(receiver.deliveries()[0].errors?.[0].message).toBe('must match format "uri"');
  });

  it("answers 400 to non-JSON bodies and content types", async () => {
    expect((await post(receiver, "{not json")).body.code).toBe("invalid_json");
    const wrongType = await post(receiver, orderEvent(version), {
      headers: { "Content-Type": "text/plain" },
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.code).toBe("invalid_content_type");
  });

  it("records duplicates by event id instead of hiding them", async () => {
    const event = orderEvent(version);
    await post(receiver, event, { headers: { "Request-Id": "attempt_1" } });
    // Same event re-serialized with another key order and Request-Id: still the same event.
    const reordered = JSON.stringify({ data: event.data, type: event.type });
    await post(receiver, reordered, { headers: { "Request-Id": "attempt_2" } });
    await post(receiver, orderEvent(version, "order_update", "shipped"));
    const duplicates = receiver.duplicates();
    expect(duplicates).toHaveLength(1);
    expect(duplicates[0].deliveries.map((d) => d.requestId)).toEqual(["attempt_1", "attempt_2"]);
    expect(receiver.byEventId(duplicates[0].eventId)).toHaveLength(2);
    expect(receiver.accepted()).toHaveLength(3);
  });

  it("answers 404 elsewhere and 405 to other methods", async () => {
    expect((await fetch(`${receiver.origin}/other`, { method: "POST" })).status).toBe(404);
    const get = await fetch(receiver.url);
    expect(get.status).toBe(405);
    expect(get.headers.get("allow")).toBe("POST");
  });
});

describe("event names (a per-agent setting in the app)", () => {
  it.each(["2025-09-29", "2026-01-30"] as const)(
    "%s: an agent expecting OpenAI's names accepts only those",
    async (version) => {
      const receiver = await startWebhookReceiver({ version, secret: SECRET, eventNames: "openai" });
      try {
        expect((await post(receiver, orderEvent(version, "order_created"))).status).toBe(200);
        expect((await post(receiver, orderEvent(version, "order_updated", "shipped"))).status).toBe(200);
        const specName = await post(receiver, orderEvent(version, "order_create"));
        expect(specName.status).toBe(400);
        expect(specName.body.message).toContain('unexpected event type "order_create"');
        expect(receiver.deliveries().map((d) => d.eventKind)).toEqual(["create", "update", "unknown"]);
      } finally {
        await receiver.close();
      }
    },
  );

  it("2026-04-17: unknown names are accepted (the spec says MUST) but flagged", async () => {
    const receiver = await startWebhookReceiver({ version: "2026-04-17", secret: SECRET });
    try {
      expect((await post(receiver, orderEvent("2026-04-17", "order_created"))).status).toBe(200);
      expect(receiver.deliveries()[0]).toMatchObject({
        accepted: true,
        eventKind: "unknown",
        eventType: "order_created",
      });
    } finally {
      await receiver.close();
    }
  });

  it("up to 2026-01-30 the spec-named agent rejects OpenAI's names (closed enum)", async () => {
    const receiver = await startWebhookReceiver({ version: "2026-01-16", secret: SECRET });
    try {
      expect((await post(receiver, orderEvent("2026-01-16", "order_created"))).status).toBe(400);
    } finally {
      await receiver.close();
    }
  });

  it("honours a merchant-named signature header (Merchant_Name-Signature, pre-2026-04-17)", async () => {
    const receiver = await startWebhookReceiver({
      version: "2025-09-29",
      secret: SECRET,
      signatureHeader: "Acme_Store-Signature",
    });
    try {
      expect((await post(receiver, orderEvent("2025-09-29"))).status).toBe(200);
      const raw = JSON.stringify(orderEvent("2025-09-29"));
      const wrongHeader = await fetch(receiver.url, {
        method: "POST",
        headers: {
          "Content-Type": "application/json",
          "Merchant-Signature": signWebhookPayload("2025-09-29", SECRET, raw),
        },
        body: raw,
      });
      expect(wrongHeader.status).toBe(401);
    } finally {
      await receiver.close();
    }
  });
});

describe("fault injection", () => {
  let receiver: WebhookReceiver;
  beforeAll(async () => {
    receiver = await startWebhookReceiver({ version: "2026-04-17", secret: SECRET });
  });
  afterEach(() => receiver.reset());
  afterAll(() => receiver.close());

  it("fails the next N deliveries with 500, then accepts the retry", async () => {
    receiver.faults.add({ status: 500, times: 2 });
    expect(receiver.faults.pending).toBe(2);
    const event = orderEvent("2026-04-17");
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt++) statuses.push((await post(receiver, event)).status);
    expect(statuses).toEqual([500, 500, 200]);
    expect(receiver.faults.pending).toBe(0);
    expect(receiver.deliveries().map((d) => d.fault?.status)).toEqual([500, 500, undefined]);
    expect(receiver.deliveries().map((d) => d.verdict)).toEqual(["fault:500", "fault:500", "accepted"]);
    // Failed attempts are not deliveries of the event: one accepted, no duplicate.
    expect(receiver.accepted()).toHaveLength(1);
    expect(receiver.duplicates()).toEqual([]);
    expect(receiver.byEventId(receiver.accepted()[0].eventId)).toHaveLength(3);
  });

  it.each([
    [429, "invalid_request"],
    [503, "service_unavailable"],
  ] as const)("answers %i with Retry-After and a spec Error body", async (status, type) => {
    receiver.faults.add({ status, retryAfter: 7 });
    const response = await post(receiver, orderEvent("2026-04-17"));
    expect(response.status).toBe(status);
    expect(response.headers.get("retry-after")).toBe("7");
    expect(response.body.type).toBe(type);
    expect(validateDef("2026-04-17", WEBHOOK_FILE, "Error", response.body).valid).toBe(true);
  });

  it("drops the connection without an answer", async () => {
    receiver.faults.add({ dropConnection: true });
    await expect(post(receiver, orderEvent("2026-04-17"))).rejects.toThrow();
    expect(receiver.deliveries()[0]).toMatchObject({
      status: "dropped",
      accepted: false,
      verdict: "fault:dropped",
    });
    expect((await post(receiver, orderEvent("2026-04-17"))).status).toBe(200);
  });

  it("delays an answer, then handles the request normally", async () => {
    receiver.faults.add({ delayMs: 300 });
    const started = Date.now();
    const response = await post(receiver, orderEvent("2026-04-17"));
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(response.status).toBe(200);
    expect(receiver.deliveries()[0].fault).toEqual({ delayMs: 300 });
  });

  it("lets tests wait for deliveries the app sends in the background", async () => {
    const waiting = receiver.waitForDeliveries(2, 2_000);
    setTimeout(() => void post(receiver, orderEvent("2026-04-17")), 50);
    setTimeout(() => void post(receiver, orderEvent("2026-04-17", "order_update", "shipped")), 100);
    expect((await waiting).map((d) => d.eventType)).toEqual(["order_create", "order_update"]);
    await expect(receiver.waitFor((d) => d.eventType === "never", 100)).rejects.toThrow(
      /no matching delivery within 100 ms/,
    );
  });

  it("refuses a rule that would do nothing or a non-error status", () => {
    expect(() => receiver.faults.add({ times: 2 })).toThrow(/at least one of/);
    expect(() => receiver.faults.add({ status: 200 })).toThrow(/not an error status/);
  });
});
