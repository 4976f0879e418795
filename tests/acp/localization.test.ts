import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { randomUUID } from "node:crypto";
import {
  buildRequests,
  paymentHandlerIdFrom,
  validateResponse,
  type AcpResponse,
  SAMPLE_ADDRESS,
  SAMPLE_BUYER,
} from "../../sandbox/agent/buyer";
import { validateCheckoutDef } from "../../sandbox/agent/contract";
import { validateDef } from "../../sandbox/agent/spec";
import { DEMO_ACCOUNT_ID } from "../../sandbox/stripe/accounts";
import { ACP_VERSIONS, type AcpVersion } from "../../app/acp/version-adapter";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { itemId } from "../support/catalog";
import { readySession } from "../support/checkout-flow";

// The expected texts are written out here, not read from the catalog: a wrong or missing
// translation, or a text the server forgets to localize, fails these tests.

let stack: AcpStack;
let tee: string;
let recipeBook: string;
const UNKNOWN = "999999999";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

beforeAll(async () => {
  stack = await startAcpStack();
  tee = itemId(stack.shopify, stack.shop, "Classic Organic Tee", "White", "M");
  recipeBook = itemId(stack.shopify, stack.shop, "Digital Recipe Book (PDF)");
});

afterAll(async () => {
  await stack?.stop();
});

const lang = (value: string) => ({ headers: { "Accept-Language": value } });
const displayTexts = (body: Json) => (body.totals as Json[]).map((total) => total.display_text as string);
const unknownItemMessage = (body: Json) =>
  (body.messages as Json[]).find((message) => message.code === "not_found" || message.code === "invalid")
    ?.content as string;

function expectSchemaValid(version: AcpVersion, operation: "create" | "get", response: AcpResponse) {
  const result = validateResponse(version, operation, response.status, response.body);
  expect(result.errors, JSON.stringify(response.body).slice(0, 2000)).toEqual([]);
}

function expectLanguage(response: AcpResponse, language: string) {
  expect(response.headers["content-language"]).toBe(language);
  expect(response.headers["vary"]).toMatch(/accept-language/i);
}

describe.each(ACP_VERSIONS)("ACP %s", (version) => {
  const build = buildRequests(version);

  it("answers in the Accept-Language of each request, for the same stored session", async () => {
    const client = stack.client(version);
    const created = await client.createCheckout(
      build.create({
        items: [
          { id: tee, quantity: 1 },
          { id: UNKNOWN, quantity: 1 },
        ],
      }),
      lang("de-DE,de;q=0.9,en;q=0.8"),
    );
    expect(created.status).toBe(201);
    expectSchemaValid(version, "create", created);
    expectLanguage(created, "de");
    const session = created.body as Json;
    expect(unknownItemMessage(session)).toBe(`Dieser Shop verkauft keinen Artikel mit der ID „${UNKNOWN}“.`);
    expect(displayTexts(session)).toContain("Zwischensumme");
    expect(displayTexts(session).at(-1)).toBe("Gesamt");

    const french = await client.getCheckout(session.id, lang("fr-FR"));
    expectSchemaValid(version, "get", french);
    expectLanguage(french, "fr");
    expect(unknownItemMessage(french.body as Json)).toBe(
      `Cette boutique ne vend aucun article avec l’identifiant « ${UNKNOWN} ».`,
    );
    expect(displayTexts(french.body as Json)).toContain("Sous-total");
    expect(displayTexts(french.body as Json).at(-1)).toBe("Total");

    const swissGerman = await client.getCheckout(session.id, lang("de-CH;q=0.9, en;q=0.5"));
    expectLanguage(swissGerman, "de");
    expect(displayTexts(swissGerman.body as Json)).toContain("Zwischensumme");

    for (const header of ["sv-SE, pl;q=0.8", "de;q=2", "de-DE;;q=x", "de, fr;level=1"]) {
      const english = await client.getCheckout(session.id, lang(header));
      expectLanguage(english, "en");
      expect(unknownItemMessage(english.body as Json), header).toBe(
        `This store does not sell an item with id "${UNKNOWN}".`,
      );
      expect(displayTexts(english.body as Json)).toContain("Subtotal");
    }
    // The stored session holds keys, not words: nothing of the first response's German is in it.
    const row = await stack.db.checkoutSession.findUniqueOrThrow({ where: { id: session.id } });
    expect(row.state).not.toContain("Dieser Shop");
    expect(row.state).toContain("line.unknown_item");
  });

  it("names the app's own digital delivery in the buyer's language", async () => {
    const created = await stack
      .client(version)
      .createCheckout(build.create({ items: [{ id: recipeBook, quantity: 1 }] }), lang("it"));
    expect(created.status).toBe(201);
    expectSchemaValid(version, "create", created);
    expectLanguage(created, "it");
    const session = created.body as Json;
    expect((session.fulfillment_options as Json[]).map((option) => option.title)).toEqual([
      "Consegna digitale",
    ]);
    expect(displayTexts(session)).toContain("Consegna digitale");
    expect(displayTexts(session)).toContain("Subtotale");
  });

  it("localizes the flat Error of a bad request", async () => {
    const response = await stack.client(version).getCheckout("cs_does_not_exist", lang("ja-JP, en;q=0.1"));
    expect(response.status).toBe(404);
    expectLanguage(response, "ja");
    expect(validateCheckoutDef(version, "Error", response.body).errors).toEqual([]);
    expect((response.body as Json).message).toBe(
      "チェックアウトセッション cs_does_not_exist が見つかりません。",
    );
  });
});

describe("ACP 2026-04-17 specifics", () => {
  const version = "2026-04-17" as const;
  const build = buildRequests(version);

  it("reports a malformed body in the requested language", async () => {
    const response = await stack
      .client(version)
      .createCheckout({ currency: "usd", capabilities: {} }, lang("fr-CA, fr;q=0.9"));
    expect(response.status).toBe(400);
    expectLanguage(response, "fr");
    expect(validateCheckoutDef(version, "Error", response.body).errors).toEqual([]);
    expect(response.body).toMatchObject({
      code: "missing_field",
      param: "$.line_items",
      message: "$.line_items est obligatoire.",
    });

    const wrongType = await stack
      .client(version)
      .createCheckout({ currency: "usd", capabilities: {}, line_items: "tee" }, lang("nl"));
    expectLanguage(wrongType, "nl");
    expect((wrongType.body as Json).message).toBe(
      "$.line_items moet van het type array zijn, niet tekenreeks.",
    );
  });

  it("refuses a missing API-Version in the requested language, before authentication", async () => {
    const response = await stack.client(version).getCheckout("cs_whatever", {
      headers: { "API-Version": null, Authorization: null, "Accept-Language": "es-ES" },
    });
    expect(response.status).toBe(400);
    expectLanguage(response, "es");
    expect((response.body as Json).message).toBe("Envía la cabecera API-Version.");
  });

  it("falls back to the session's locale, and Accept-Language overrides it", async () => {
    const client = stack.client(version);
    const created = await client.createCheckout(
      { ...build.create({ items: [{ id: UNKNOWN, quantity: 1 }] }), locale: "fr-FR" },
      { headers: { "Accept-Language": null } },
    );
    expect(created.status).toBe(201);
    expectSchemaValid(version, "create", created);
    expectLanguage(created, "fr");
    const session = created.body as Json;
    expect(session.locale).toBe("fr-FR");
    expect(unknownItemMessage(session)).toBe(
      `Cette boutique ne vend aucun article avec l’identifiant « ${UNKNOWN} ».`,
    );

    // `*` names no language: the session's locale still decides.
    expectLanguage(await client.getCheckout(session.id, lang("*")), "fr");
    // An explicit language the catalog has wins over the locale…
    const german = await client.getCheckout(session.id, lang("de"));
    expectLanguage(german, "de");
    expect(displayTexts(german.body as Json)).toContain("Zwischensumme");
    // …one it lacks does not, and q=0 refuses the locale's language.
    expectLanguage(await client.getCheckout(session.id, lang("pt-BR")), "fr");
    expectLanguage(await client.getCheckout(session.id, lang("pt-BR, fr;q=0")), "en");
  });

  it("replays an idempotent POST in the replaying request's language, from a neutral record", async () => {
    const client = stack.client(version);
    const key = randomUUID();
    const body = build.create({ items: [{ id: UNKNOWN, quantity: 1 }] });
    const first = await client.createCheckout(body, { idempotencyKey: key, ...lang("es") });
    expect(first.status).toBe(201);
    expectLanguage(first, "es");
    expect(unknownItemMessage(first.body as Json)).toBe(
      `Esta tienda no vende ningún artículo con el id «${UNKNOWN}».`,
    );

    const replay = await client.createCheckout(body, { idempotencyKey: key, ...lang("nl") });
    expect(replay.status).toBe(201);
    expect(replay.headers["idempotent-replayed"]).toBe("true");
    expectSchemaValid(version, "create", replay);
    expectLanguage(replay, "nl");
    const replayed = replay.body as Json;
    expect(replayed.id).toBe((first.body as Json).id);
    expect(unknownItemMessage(replayed)).toBe(`Deze winkel verkoopt geen artikel met id ‘${UNKNOWN}’.`);
    expect(displayTexts(replayed)).toContain("Subtotaal");
    // Apart from the words, the replay is the response first sent.
    const { messages: _m1, totals: _t1, line_items: _l1, ...firstRest } = first.body as Json;
    const { messages: _m2, totals: _t2, line_items: _l2, ...replayRest } = replayed;
    expect(replayRest).toEqual(firstRest);
    expect((replayed.totals as Json[]).map((t) => t.amount)).toEqual(
      ((first.body as Json).totals as Json[]).map((t) => t.amount),
    );

    const record = await stack.db.idempotencyRecord.findFirstOrThrow({ where: { key } });
    expect(record.responseBody).toContain("line.unknown_item");
    expect(record.responseBody).not.toContain("Esta tienda");

    // A replayed error is worded for the replaying request too.
    const badKey = randomUUID();
    const bad = { currency: "usd", capabilities: {} };
    const refused = await client.createCheckout(bad, { idempotencyKey: badKey, ...lang("de") });
    expect(refused.status).toBe(400);
    expect((refused.body as Json).message).toBe("$.line_items ist erforderlich.");
    const refusedAgain = await client.createCheckout(bad, { idempotencyKey: badKey, ...lang("it") });
    expect(refusedAgain.headers["idempotent-replayed"]).toBe("true");
    expectLanguage(refusedAgain, "it");
    expect((refusedAgain.body as Json).message).toBe("$.line_items è obbligatorio.");
  });

  it("words a declined payment and the shipping total in the buyer's language", async () => {
    const session = await readySession(stack, version, {
      items: [{ id: tee, quantity: 1 }],
      buyer: SAMPLE_BUYER,
      address: SAMPLE_ADDRESS,
    });
    const total = (session.totals as Json[]).find((entry) => entry.type === "total")!.amount as number;
    const token = stack.stripe.grantSharedPaymentToken(DEMO_ACCOUNT_ID, {
      maxAmount: total,
      currency: "usd",
      outcome: "card_declined",
    });
    const client = stack.client(version);
    const declined = await client.completeCheckout(
      session.id,
      build.complete({ paymentToken: token.id, handlerId: paymentHandlerIdFrom(session) ?? undefined }),
      lang("de-AT, en;q=0.3"),
    );
    expect(declined.status).toBe(200);
    expectLanguage(declined, "de");
    const body = declined.body as Json;
    expect(body.messages).toEqual([
      expect.objectContaining({
        code: "payment_declined",
        content: "Die Zahlung wurde abgelehnt. Versuchen Sie eine andere Zahlungsmethode.",
      }),
    ]);
    expect(displayTexts(body)).toEqual(expect.arrayContaining(["Artikel", "Versand", "Steuern", "Gesamt"]));

    const japanese = (await client.getCheckout(session.id, lang("ja"))).body as Json;
    expect((japanese.messages as Json[])[0].content).toBe(
      "お支払いが拒否されました。別のお支払い方法をお試しください。",
    );
    expect(displayTexts(japanese)).toEqual(expect.arrayContaining(["商品", "配送料", "合計"]));
  });

  it("localizes carts, with the cart's locale as the fallback", async () => {
    const client = stack.client(version);
    const created = await client.request(
      "POST",
      "/carts",
      { line_items: [{ id: tee, quantity: 1 }, { id: UNKNOWN }], locale: "it-IT" },
      lang("es"),
    );
    expect(created.status).toBe(201);
    expect(validateDef(version, "json-schema/schema.cart.json", "Cart", created.body).errors).toEqual([]);
    expectLanguage(created, "es");
    const cart = created.body as Json;
    expect(displayTexts(cart)).toEqual(["Subtotal", "Total estimado"]);
    expect((cart.messages as Json[])[0].content).toBe(
      `Esta tienda no vende ningún artículo con el id «${UNKNOWN}».`,
    );

    const italian = await client.request("GET", `/carts/${cart.id}`, undefined, {
      headers: { "Accept-Language": null },
    });
    expectLanguage(italian, "it");
    expect(displayTexts(italian.body as Json)).toEqual(["Subtotale", "Totale stimato"]);
    expect(((italian.body as Json).messages as Json[])[0].content).toBe(
      `Questo negozio non vende alcun articolo con id «${UNKNOWN}».`,
    );
  });
});
