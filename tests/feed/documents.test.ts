import { getOperationAST, parse, validate } from "graphql";
import { describe, expect, it } from "vitest";
import {
  PRODUCT_QUERY,
  SHOP_QUERY,
  bulkProductQuery,
  plannedDocument,
  readPlanFor,
  variantFromNode,
  type ReadPlan,
} from "../../app/catalog/shopify-documents.server";
import { parseFeedRules } from "../../app/catalog/rules";
import { SHOP } from "../../app/catalog/fixtures";
import { prepareBulkQuery } from "../../sandbox/shopify-admin/bulk";
import { MAX_SINGLE_QUERY_COST, requestedQueryCost } from "../../sandbox/shopify-admin/cost";
import { adminSchema } from "../../sandbox/shopify-admin/schema";

/**
 * The documents the sync sends after they are rewritten for a shop (markets, mapped metafields): still
 * valid against the 2026-04 schema, within Shopify's bulk rules, and within the single-query cost limit.
 * (tests/graphql/documents.test.ts checks them as written.)
 */

const PLANS: Record<string, ReadPlan> = {
  "one market, no mapped metafields": { pricedMarkets: [], metafieldKeys: [] },
  "three foreign markets and two metafields": {
    pricedMarkets: [
      { country: "DE", currency: "EUR" },
      { country: "GB", currency: "GBP" },
      { country: "JP", currency: "JPY" },
    ],
    metafieldKeys: ["custom.gtin", "custom.material"],
  },
  "eight foreign markets": {
    pricedMarkets: ["DE", "GB", "JP", "CA", "AU", "CH", "SE", "MX"].map((country) => ({
      country,
      currency: "EUR",
    })),
    metafieldKeys: ["custom.gtin"],
  },
};

function costOf(text: string, variables: Record<string, unknown>): number {
  const document = parse(text);
  return requestedQueryCost({
    schema: adminSchema(),
    operation: getOperationAST(document)!,
    fragments: {},
    variables,
  });
}

describe.each(Object.entries(PLANS))("documents for %s", (_name, plan) => {
  it("the bulk export query is valid and within the bulk rules (≤ 5 connections, nesting ≤ 2)", () => {
    const text = bulkProductQuery(plan);
    expect(validate(adminSchema(), parse(text)).map((e) => e.message)).toEqual([]);
    const prepared = prepareBulkQuery(adminSchema(), text);
    expect("userErrors" in prepared ? prepared.userErrors : []).toEqual([]);
    expect(text.match(/contextualPricing/g)?.length ?? 0).toBe(plan.pricedMarkets.length);
    expect(text.includes("metafields")).toBe(plan.metafieldKeys.length > 0);
    for (const key of plan.metafieldKeys) expect(text).toContain(JSON.stringify(key));
  });

  it("the one-product query is valid and under the single-query cost limit", () => {
    const text = plannedDocument(PRODUCT_QUERY, plan, false);
    expect(validate(adminSchema(), parse(text)).map((e) => e.message)).toEqual([]);
    const cost = costOf(text, {
      id: "gid://shopify/Product/1",
      withMetafields: plan.metafieldKeys.length > 0,
      metafieldKeys: plan.metafieldKeys,
    });
    expect(cost).toBeLessThanOrEqual(MAX_SINGLE_QUERY_COST);
  });
});

describe("read plans", () => {
  it("prices each market whose currency is not the shop's, in its first country", () => {
    const plan = readPlanFor(
      SHOP,
      parseFeedRules({ metafieldMappings: [{ namespace: "custom", key: "gtin", field: "gtin" }] }),
    );
    expect(plan).toEqual({
      pricedMarkets: [
        { country: "CA", currency: "CAD" },
        { country: "DE", currency: "EUR" },
      ],
      metafieldKeys: ["custom.gtin"],
    });
  });

  it("refuses a country code that is not two capital letters (it becomes a literal in the query)", () => {
    expect(() =>
      bulkProductQuery({ pricedMarkets: [{ country: "US) { id }", currency: "USD" }], metafieldKeys: [] }),
    ).toThrow(/country code/);
  });

  it("reads each aliased contextual price back into the variant", () => {
    const plan = PLANS["three foreign markets and two metafields"];
    const variant = variantFromNode(
      {
        id: "gid://shopify/ProductVariant/1",
        title: "Default Title",
        price: "10.00",
        compareAtPrice: null,
        inventoryPolicy: "DENY",
        inventoryQuantity: null,
        inventoryItem: {
          id: "gid://shopify/InventoryItem/1",
          tracked: false,
          requiresShipping: true,
          measurement: { weight: null },
        },
        marketPrice0: {
          price: { amount: "9.5", currencyCode: "EUR" },
          compareAtPrice: { amount: "12.0", currencyCode: "EUR" },
        },
        marketPrice2: { price: { amount: "1500.0", currencyCode: "JPY" }, compareAtPrice: null },
      },
      plan,
    );
    expect(variant.contextualPrices).toEqual([
      { currency: "EUR", price: "9.5", compareAtPrice: "12.0", countries: ["DE"] },
      { currency: "JPY", price: "1500.0", compareAtPrice: null, countries: ["JP"] },
    ]);
    expect(variant).toMatchObject({ inventoryQuantity: 0, inventoryTracked: false, weight: null, sku: null });
  });

  it("the shop query is valid and affordable", () => {
    expect(validate(adminSchema(), parse(SHOP_QUERY)).map((e) => e.message)).toEqual([]);
    expect(costOf(SHOP_QUERY, {})).toBeLessThanOrEqual(MAX_SINGLE_QUERY_COST);
  });
});
