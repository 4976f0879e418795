/**
 * Request parsing per version: domain mapping, RequestProblem codes with JSONPaths into the request
 * body, update's absent-vs-null rule, and cancel's optional body.
 */
import { describe, expect, it } from "vitest";
import type { UpdateCommand } from "../../checkout/model";
import { renderText } from "../../i18n/catalog";
import { ACP_VERSIONS, type AcpVersion, type Parsed, type RequestProblem } from "../version-adapter";
import { toJsonPath } from "./common";
import { adapters } from "./index";

type Body = Record<string, unknown>;

/** How each version spells the same request; the tests are written once against this table. */
interface Shape {
  lines: "items" | "line_items";
  /** Base create body (currency and capabilities from 2026-01-30). */
  create: Body;
  address: (address: unknown) => Body;
  addressPath: string;
  selection: (optionId: string) => Body;
  selectionKey: string;
  payment: Body;
  buyerNamesRequired: boolean;
}

const ADDRESS = {
  name: "Ada Lovelace",
  line_one: "1 Market St",
  line_two: "",
  city: "San Francisco",
  state: "ca",
  country: "us",
  postal_code: "94105",
};
const LEGACY_PAYMENT = { token: "spt_123", provider: "stripe" };
const HANDLER_PAYMENT = {
  handler_id: "card_tokenized",
  instrument: { type: "card", credential: { type: "spt", token: "spt_123" } },
};
const nested = (type: string) => (id: string) => ({
  selected_fulfillment_options: [{ type, [type]: { option_id: id, item_ids: ["item_1"] } }],
});
const flat = (id: string) => ({
  selected_fulfillment_options: [{ type: "shipping", option_id: id, item_ids: ["item_1"] }],
});

const LEGACY_2025_12: Shape = {
  lines: "items",
  create: {},
  address: (address) => ({ fulfillment_details: { address } }),
  addressPath: "$.fulfillment_details.address",
  selection: nested("shipping"),
  selectionKey: "selected_fulfillment_options",
  payment: LEGACY_PAYMENT,
  buyerNamesRequired: true,
};
const CURRENT: Shape = {
  lines: "line_items",
  create: { currency: "usd", capabilities: { interventions: { supported: [] } } },
  address: (address) => ({ fulfillment_details: { address } }),
  addressPath: "$.fulfillment_details.address",
  selection: flat,
  selectionKey: "selected_fulfillment_options",
  payment: HANDLER_PAYMENT,
  buyerNamesRequired: false,
};

const SHAPES: Record<AcpVersion, Shape> = {
  "2025-09-29": {
    lines: "items",
    create: {},
    address: (address) => ({ fulfillment_address: address }),
    addressPath: "$.fulfillment_address",
    selection: (id) => ({ fulfillment_option_id: id }),
    selectionKey: "fulfillment_option_id",
    payment: LEGACY_PAYMENT,
    buyerNamesRequired: true,
  },
  "2025-12-12": LEGACY_2025_12,
  "2026-01-16": LEGACY_2025_12,
  "2026-01-30": CURRENT,
  "2026-04-17": CURRENT,
};

/** The problem with its message as the English Error would say it. */
function problem<T>(parsed: Parsed<T>): RequestProblem & { message: string } {
  if (parsed.ok) throw new Error(`Expected a problem, parsed ${JSON.stringify(parsed.value)}`);
  return { ...parsed.problem, message: renderText(parsed.problem.message, "en") };
}

function value<T>(parsed: Parsed<T>): T {
  if (!parsed.ok) throw new Error(`Expected success, got ${JSON.stringify(parsed.problem)}`);
  return parsed.value;
}

describe("toJsonPath", () => {
  it("writes RFC 9535 paths with bracket notation for keys that are not identifiers", () => {
    expect(toJsonPath([])).toBe("$");
    expect(toJsonPath(["line_items", 1, "quantity"])).toBe("$.line_items[1].quantity");
    expect(toJsonPath(["metadata", "odd key", "it's"])).toBe("$.metadata['odd key']['it\\'s']");
  });
});

describe.each(ACP_VERSIONS)("ACP %s parsing", (version) => {
  const adapter = adapters[version];
  const shape = SHAPES[version];
  const L = shape.lines;
  const create = (extra: Body = {}) => ({ ...shape.create, [L]: [{ id: "item_1", quantity: 2 }], ...extra });

  describe("create", () => {
    it("maps lines, buyer and fulfillment address onto the domain command", () => {
      const command = value(
        adapter.parseCreate({
          ...create(),
          buyer: { first_name: "Ada", last_name: "Lovelace", email: "ada@example.com" },
          ...shape.address(ADDRESS),
        }),
      );
      expect(command.lines).toEqual([{ itemId: "item_1", quantity: 2 }]);
      expect(command.buyer).toEqual({
        firstName: "Ada",
        lastName: "Lovelace",
        email: "ada@example.com",
        phoneNumber: null,
      });
      // Country and state upper-cased, an empty line_two means none.
      expect(command.fulfillmentDetails?.address).toEqual({
        name: "Ada Lovelace",
        lineOne: "1 Market St",
        lineTwo: null,
        city: "San Francisco",
        state: "CA",
        country: "US",
        postalCode: "94105",
      });
    });

    it.each([0, -1, 2.5, 1000])("rejects quantity %s with the line's path", (quantity) => {
      const parsed = adapter.parseCreate(
        create({
          [L]: [
            { id: "a", quantity: 1 },
            { id: "b", quantity },
          ],
        }),
      );
      expect(problem(parsed)).toEqual({
        code: "invalid_field",
        message: `$.${L}[1].quantity must be a whole number from 1 to 999 (got ${quantity}).`,
        param: `$.${L}[1].quantity`,
      });
    });

    it("accepts quantity 999 and rejects a quantity sent as a string", () => {
      expect(
        value(adapter.parseCreate(create({ [L]: [{ id: "a", quantity: 999 }] }))).lines[0].quantity,
      ).toBe(999);
      expect(problem(adapter.parseCreate(create({ [L]: [{ id: "a", quantity: "2" }] })))).toEqual({
        code: "invalid_json_type",
        message: `$.${L}[0].quantity must be a number, not a string.`,
        param: `$.${L}[0].quantity`,
      });
    });

    it("reports missing and empty line lists and missing item ids", () => {
      expect(problem(adapter.parseCreate({ ...shape.create }))).toEqual({
        code: "missing_field",
        message: `$.${L} is required.`,
        param: `$.${L}`,
      });
      expect(problem(adapter.parseCreate(create({ [L]: [] })))).toMatchObject({
        code: "invalid_field",
        param: `$.${L}`,
      });
      expect(problem(adapter.parseCreate(create({ [L]: [{ quantity: 1 }] })))).toMatchObject({
        code: "missing_field",
        param: `$.${L}[0].id`,
      });
    });

    // Rows wrapped in arrays: vitest spreads a bare array row into arguments.
    it.each([[null], [[]], ["items"], [42]])("rejects a body that is not an object (%j)", (body) => {
      expect(problem(adapter.parseCreate(body))).toEqual({
        code: "invalid_json_type",
        message: "The request body must be a JSON object.",
        param: "$",
      });
    });

    it("checks addresses: ISO country codes, required fields", () => {
      expect(
        problem(adapter.parseCreate(create(shape.address({ ...ADDRESS, country: "USA" })))),
      ).toMatchObject({
        code: "invalid_field",
        param: `${shape.addressPath}.country`,
      });
      const { postal_code: _omitted, ...noPostalCode } = ADDRESS;
      expect(problem(adapter.parseCreate(create(shape.address(noPostalCode))))).toMatchObject({
        code: "missing_field",
        param: `${shape.addressPath}.postal_code`,
      });
    });

    it.each([
      ["ca", "CA"],
      ["US-ca", "CA"],
      ["California", "California"],
      ["", null],
    ])("normalizes state %j to %j", (state, expected) => {
      const command = value(adapter.parseCreate(create(shape.address({ ...ADDRESS, state }))));
      expect(command.fulfillmentDetails?.address?.state).toBe(expected);
    });

    it("checks the buyer against the version's required fields", () => {
      expect(
        problem(adapter.parseCreate(create({ buyer: { first_name: "A", last_name: "B" } }))),
      ).toMatchObject({
        code: "missing_field",
        param: "$.buyer.email",
      });
      expect(
        problem(adapter.parseCreate(create({ buyer: { first_name: "A", last_name: "B", email: "nope" } }))),
      ).toMatchObject({
        code: "invalid_field",
        param: "$.buyer.email",
      });
      const emailOnly = adapter.parseCreate(create({ buyer: { email: "ada@example.com" } }));
      if (shape.buyerNamesRequired) expect(problem(emailOnly)).toMatchObject({ param: "$.buyer.first_name" });
      else
        expect(value(emailOnly).buyer).toEqual({
          firstName: null,
          lastName: null,
          email: "ada@example.com",
          phoneNumber: null,
        });
    });

    it("accepts unknown fields for forward compatibility", () => {
      const parsed = adapter.parseCreate(
        create({ future_field: { anything: true }, [L]: [{ id: "a", quantity: 1, hint: "x" }] }),
      );
      expect(value(parsed).lines).toEqual([{ itemId: "a", quantity: 1 }]);
    });

    it("rejects a field from another API version and says what to send instead", () => {
      const foreign = L === "items" ? "line_items" : "items";
      const result = problem(adapter.parseCreate(create({ [foreign]: [{ id: "a", quantity: 1 }] })));
      expect(result).toMatchObject({ code: "invalid_field", param: `$.${foreign}` });
      expect(result.message).toContain(`send \`${L}\``);
    });

    it("treats null optional fields as not sent", () => {
      const command = value(adapter.parseCreate(create({ buyer: null })));
      expect(command.buyer).toBeNull();
    });
  });

  describe("update: absent leaves unchanged, null clears", () => {
    const clearable = (): Body => ({
      buyer: null,
      ...(shape.addressPath === "$.fulfillment_address"
        ? { fulfillment_address: null }
        : { fulfillment_details: null }),
      ...(shape.selectionKey === "fulfillment_option_id"
        ? { fulfillment_option_id: null }
        : { selected_fulfillment_options: null }),
      ...(L === "line_items" ? { discounts: null } : {}),
    });

    it("an empty body changes nothing", () => {
      const command = value(adapter.parseUpdate({}));
      for (const key of [
        "lines",
        "buyer",
        "fulfillmentDetails",
        "selectedFulfillmentOptionIds",
        "discountCodes",
      ] as const) {
        expect(command[key], key).toBeUndefined();
      }
    });

    it("null clears buyer, fulfillment, the selected option (and discounts where the version has them)", () => {
      const command = value(adapter.parseUpdate(clearable()));
      const expected: UpdateCommand = {
        buyer: null,
        fulfillmentDetails: null,
        selectedFulfillmentOptionIds: null,
      };
      if (L === "line_items") expected.discountCodes = null;
      expect(command).toEqual(expected);
      expect(command.lines).toBeUndefined();
      if (L === "items") expect(command.discountCodes).toBeUndefined();
    });

    it("values replace", () => {
      const command = value(
        adapter.parseUpdate({
          [L]: [{ id: "a", quantity: 3 }],
          buyer: {
            first_name: "Ada",
            last_name: "Lovelace",
            email: "ada@example.com",
            phone_number: "+1415",
          },
          ...shape.address(ADDRESS),
          ...shape.selection("opt_express"),
        }),
      );
      expect(command.lines).toEqual([{ itemId: "a", quantity: 3 }]);
      expect(command.buyer?.phoneNumber).toBe("+1415");
      expect(command.fulfillmentDetails?.address?.country).toBe("US");
      expect(command.selectedFulfillmentOptionIds).toEqual(["opt_express"]);
    });

    it("line lists cannot be null: the list replaces the lines", () => {
      expect(problem(adapter.parseUpdate({ [L]: null }))).toEqual({
        code: "invalid_json_type",
        message: `$.${L} must be an array, not null.`,
        param: `$.${L}`,
      });
    });

    it("reports a bad selected option with its path", () => {
      const body =
        shape.selectionKey === "fulfillment_option_id"
          ? { fulfillment_option_id: 7 }
          : L === "items"
            ? { selected_fulfillment_options: [{ type: "shipping", digital: { option_id: "x" } }] }
            : { selected_fulfillment_options: [{ type: "drone", option_id: "x" }] };
      const expected =
        shape.selectionKey === "fulfillment_option_id"
          ? { code: "invalid_json_type", param: "$.fulfillment_option_id" }
          : L === "items"
            ? { code: "missing_field", param: "$.selected_fulfillment_options[0].shipping" }
            : { code: "invalid_field", param: "$.selected_fulfillment_options[0].type" };
      expect(problem(adapter.parseUpdate(body))).toMatchObject(expected);
    });
  });

  describe("complete", () => {
    it("maps the payment token and billing address", () => {
      const command = value(
        adapter.parseComplete({ payment_data: { ...shape.payment, billing_address: ADDRESS } }),
      );
      expect(command.payment).toEqual({
        token: "spt_123",
        handlerId: L === "line_items" ? "card_tokenized" : null,
        provider: L === "line_items" ? null : "stripe",
        billingAddress: expect.objectContaining({ country: "US", state: "CA" }),
      });
      expect(command.buyer).toBeNull();
    });

    it("reports a missing payment field as required", () => {
      const { [L === "line_items" ? "handler_id" : "provider"]: _omitted, ...partial } = shape.payment;
      const field = L === "line_items" ? "handler_id" : "provider";
      expect(problem(adapter.parseComplete({ payment_data: partial }))).toEqual({
        code: "missing_field",
        message: `$.payment_data.${field} is required.`,
        param: `$.payment_data.${field}`,
      });
    });

    it("requires payment_data", () => {
      expect(problem(adapter.parseComplete({}))).toEqual({
        code: "missing_field",
        message: "$.payment_data is required.",
        param: "$.payment_data",
      });
    });

    it("rejects the other generation's payment_data with a hint", () => {
      const foreign = L === "line_items" ? LEGACY_PAYMENT : HANDLER_PAYMENT;
      const result = problem(adapter.parseComplete({ payment_data: foreign }));
      expect(result).toMatchObject({
        code: "invalid_field",
        param: L === "line_items" ? "$.payment_data.token" : "$.payment_data.handler_id",
      });
      expect(result.message).toMatch(/send `payment_data\./);
    });

    it("reads authentication_result where the version has it", () => {
      const details = {
        three_ds_cryptogram: "AbCdEfGhIjKlMnOpQrStUvWxY0=",
        electronic_commerce_indicator: "05",
        transaction_id: "ds-trans-1",
        version: "2.2.0",
      };
      const result = { outcome: "authenticated", outcome_details: details };
      const command = value(
        adapter.parseComplete({ payment_data: shape.payment, authentication_result: result }),
      );
      expect(command.canAuthenticate).toBe(version !== "2025-09-29");
      expect(command.authenticationResult).toEqual(
        version === "2025-09-29"
          ? null
          : {
              outcome: "authenticated",
              outcomeDetails: {
                threeDsCryptogram: details.three_ds_cryptogram,
                electronicCommerceIndicator: "05",
                transactionId: "ds-trans-1",
                version: "2.2.0",
              },
            },
      );
    });

    it.runIf(version !== "2025-09-29")(
      "requires outcome_details when the outcome carries a cryptogram, and a known outcome",
      () => {
        expect(
          problem(
            adapter.parseComplete({
              payment_data: shape.payment,
              authentication_result: { outcome: "authenticated" },
            }),
          ),
        ).toMatchObject({ param: "$.authentication_result.outcome_details" });
        expect(
          problem(
            adapter.parseComplete({
              payment_data: shape.payment,
              authentication_result: { outcome: "maybe" },
            }),
          ),
        ).toMatchObject({ param: "$.authentication_result.outcome" });
      },
    );
  });

  describe("cancel", () => {
    it.each([undefined, null, "", {}])("accepts a missing or empty body (%j)", (body) => {
      expect(adapter.parseCancel(body)).toEqual({ ok: true, value: { intentTrace: null } });
    });
  });
});

describe("version-specific request rules", () => {
  it("2025-09-29 and 2025-12-12 reject a payment provider other than stripe", () => {
    for (const version of ["2025-09-29", "2025-12-12"] as const) {
      expect(
        problem(adapters[version].parseComplete({ payment_data: { token: "t", provider: "adyen" } })),
      ).toMatchObject({
        code: "invalid_field",
        param: "$.payment_data.provider",
      });
    }
  });

  it("2025-09-29 ignores any cancel body, even a malformed later-version trace", () => {
    expect(adapters["2025-09-29"].parseCancel({ intent_trace: { reason_code: 5 } })).toEqual({
      ok: true,
      value: { intentTrace: null },
    });
  });

  describe.each(ACP_VERSIONS.filter((version) => version !== "2025-09-29"))(
    "%s intent_trace on cancel",
    (version) => {
      const adapter = adapters[version];

      it("maps a trace and treats unknown reason codes as other", () => {
        const trace = {
          reason_code: "shipping_cost",
          trace_summary: "Too dear",
          metadata: { cap: 0, ok: true, s: "x" },
        };
        expect(value(adapter.parseCancel({ intent_trace: trace })).intentTrace).toEqual({
          reasonCode: "shipping_cost",
          traceSummary: "Too dear",
          metadata: { cap: 0, ok: true, s: "x" },
        });
        expect(
          value(adapter.parseCancel({ intent_trace: { reason_code: "galaxy_brain" } })).intentTrace,
        ).toEqual({
          reasonCode: "other",
          traceSummary: null,
          metadata: null,
        });
      });

      it("rejects structurally invalid traces with their paths", () => {
        expect(
          problem(
            adapter.parseCancel({ intent_trace: { reason_code: "other", trace_summary: "x".repeat(501) } }),
          ),
        ).toMatchObject({
          code: "invalid_field",
          param: "$.intent_trace.trace_summary",
        });
        expect(
          problem(
            adapter.parseCancel({
              intent_trace: { reason_code: "other", metadata: { "odd key": { a: 1 } } },
            }),
          ),
        ).toEqual({
          code: "invalid_json_type",
          message: `$.intent_trace.metadata['odd key'] must be a string, number or boolean (metadata is flat) (got {"a":1}).`,
          param: "$.intent_trace.metadata['odd key']",
        });
        expect(problem(adapter.parseCancel({ intent_trace: {} }))).toMatchObject({
          code: "missing_field",
          param: "$.intent_trace.reason_code",
        });
        expect(problem(adapter.parseCancel([]))).toMatchObject({ code: "invalid_json_type", param: "$" });
      });
    },
  );

  describe.each(["2026-01-30", "2026-04-17"] as const)("%s create", (version) => {
    const adapter = adapters[version];
    const base = {
      line_items: [{ id: "item_1" }],
      currency: "USD",
      capabilities: { interventions: { supported: ["3ds"] } },
    };

    it("defaults a missing quantity to 1 (SOURCE.md caveat 3) and lower-cases the currency", () => {
      const command = value(adapter.parseCreate(base));
      expect(command.lines).toEqual([{ itemId: "item_1", quantity: 1 }]);
      expect(command.currency).toBe("usd");
      expect(command.agentInterventions).toEqual(["3ds"]);
    });

    it("requires a currency code", () => {
      const { currency: _omitted, ...noCurrency } = base;
      expect(problem(adapter.parseCreate(noCurrency))).toMatchObject({
        code: "missing_field",
        param: "$.currency",
      });
      expect(problem(adapter.parseCreate({ ...base, currency: "dollars" }))).toMatchObject({
        code: "invalid_field",
        param: "$.currency",
      });
    });

    it("reads discount codes, locale and metadata; a missing capabilities block means no interventions", () => {
      const { capabilities: _omitted, ...noCapabilities } = base;
      const command = value(
        adapter.parseCreate({
          ...noCapabilities,
          discounts: { codes: ["SPRING10"] },
          locale: "en-GB",
          metadata: { campaign: "spring", rank: 3, flags: { a: true }, gone: null },
        }),
      );
      expect(command.agentInterventions).toBeNull();
      expect(command.discountCodes).toEqual(["SPRING10"]);
      expect(command.locale).toBe("en-GB");
      expect(command.metadata).toEqual({ campaign: "spring", rank: "3", flags: '{"a":true}' });
      expect(value(adapter.parseCreate({ ...base, coupons: ["OLD5"] })).discountCodes).toEqual(["OLD5"]);
    });

    it("distinguishes the update forms of discounts", () => {
      expect(value(adapter.parseUpdate({ discounts: {} })).discountCodes).toBeUndefined();
      expect(value(adapter.parseUpdate({ discounts: { codes: [] } })).discountCodes).toEqual([]);
      expect(value(adapter.parseUpdate({ discounts: { codes: null } })).discountCodes).toBeNull();
      expect(problem(adapter.parseUpdate({ discounts: { codes: ["A", ""] } }))).toMatchObject({
        code: "invalid_field",
        param: "$.discounts.codes[1]",
      });
    });

    it("accepts Shared Payment Tokens only", () => {
      const payment = {
        ...HANDLER_PAYMENT,
        instrument: { type: "card", credential: { type: "network_token", token: "t" } },
      };
      expect(problem(adapter.parseComplete({ payment_data: payment }))).toMatchObject({
        code: "invalid_field",
        param: "$.payment_data.instrument.credential.type",
      });
      const noToken = { ...HANDLER_PAYMENT, instrument: { type: "card", credential: { type: "spt" } } };
      expect(problem(adapter.parseComplete({ payment_data: noToken }))).toMatchObject({
        code: "missing_field",
        param: "$.payment_data.instrument.credential.token",
      });
    });
  });

  it("validates order_notes where the version defines it (2026-04-17) and ignores it before", () => {
    const body = { line_items: [{ id: "a" }], currency: "usd", order_notes: "x".repeat(5001) };
    expect(problem(adapters["2026-04-17"].parseCreate(body))).toMatchObject({
      code: "invalid_field",
      param: "$.order_notes",
    });
    expect(adapters["2026-01-30"].parseCreate(body).ok).toBe(true);
    expect(adapters["2026-04-17"].parseCreate({ ...body, order_notes: "Leave at the door" }).ok).toBe(true);
  });
});
