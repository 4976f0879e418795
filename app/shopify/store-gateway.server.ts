import type { Quote, QuoteRequest, ShopInfo, StoreGateway, VariantFacts } from "../checkout/gateway";
import type { PolicyLink } from "../checkout/model";
import { allocate, toMinorUnits } from "../lib/money";
import prisma from "../db.server";
import { adminGraphql } from "./admin.server";

/**
 * How long checkout trusts its copy of the shop's name, currencies, ship-to countries and policy
 * links. Every create and update needs them; the shop/update webhook clears the copy sooner, and
 * policy edits (which send no webhook) show within this time.
 */
const SHOP_INFO_TTL_MS = 5 * 60_000;

const SHOP_INFO = `#graphql
  query AcpShopInfo {
    shop {
      name
      currencyCode
      enabledPresentmentCurrencies
      shipsToCountries
      shopPolicies {
        type
        url
        title
      }
    }
  }
`;

const VARIANTS = `#graphql
  query AcpVariants($ids: [ID!]!) {
    nodes(ids: $ids) {
      ... on ProductVariant {
        id
        title
        sku
        availableForSale
        inventoryQuantity
        inventoryPolicy
        selectedOptions {
          name
          value
        }
        image {
          url
        }
        inventoryItem {
          tracked
          requiresShipping
        }
        product {
          id
          title
          status
          description(truncateAt: 500)
          onlineStoreUrl
          publishedAt
          featuredMedia {
            preview {
              image {
                url
              }
            }
          }
        }
      }
    }
  }
`;

const QUOTE = `#graphql
  mutation AcpQuote($input: DraftOrderInput!) {
    draftOrderCalculate(input: $input) {
      calculatedDraftOrder {
        currencyCode
        presentmentCurrencyCode
        taxesIncluded
        lineItems {
          variant {
            id
          }
          quantity
          originalUnitPriceSet {
            presentmentMoney {
              amount
              currencyCode
            }
          }
          originalTotalSet {
            presentmentMoney {
              amount
            }
          }
          discountedTotalSet {
            presentmentMoney {
              amount
            }
          }
        }
        availableShippingRates {
          handle
          title
          price {
            amount
            currencyCode
          }
        }
        shippingLine {
          title
          shippingRateHandle
          discountedPriceSet {
            presentmentMoney {
              amount
            }
          }
          taxLines {
            priceSet {
              presentmentMoney {
                amount
              }
            }
          }
        }
        discountCodes
        platformDiscounts {
          code
          title
          automaticDiscount
          totalAmountPriceSet {
            presentmentMoney {
              amount
            }
          }
        }
        totalDiscountsSet {
          presentmentMoney {
            amount
          }
        }
        totalTaxSet {
          presentmentMoney {
            amount
          }
        }
        totalPriceSet {
          presentmentMoney {
            amount
            currencyCode
          }
        }
        warnings {
          errorCode
          field
          message
        }
      }
      userErrors {
        field
        message
      }
    }
  }
`;

/** The Admin API documents this module sends (validated against the schema in tests). */
export const STORE_GATEWAY_DOCUMENTS = { SHOP_INFO, VARIANTS, QUOTE };

interface PresentmentMoney {
  presentmentMoney: { amount: string; currencyCode?: string };
}

interface ShopInfoData {
  shop: {
    name: string;
    currencyCode: string;
    enabledPresentmentCurrencies: string[];
    shipsToCountries: string[];
    shopPolicies: { type: string; url: string; title: string }[];
  };
}

interface VariantNode {
  id: string;
  title: string;
  sku: string | null;
  availableForSale: boolean;
  inventoryQuantity: number | null;
  inventoryPolicy: "DENY" | "CONTINUE";
  selectedOptions: { name: string; value: string }[];
  image: { url: string } | null;
  inventoryItem: { tracked: boolean; requiresShipping: boolean };
  product: {
    id: string;
    title: string;
    status: string;
    description: string;
    onlineStoreUrl: string | null;
    publishedAt: string | null;
    featuredMedia: { preview: { image: { url: string } | null } | null } | null;
  };
}

interface QuoteData {
  draftOrderCalculate: {
    calculatedDraftOrder: {
      currencyCode: string;
      presentmentCurrencyCode: string;
      taxesIncluded: boolean;
      lineItems: {
        variant: { id: string } | null;
        quantity: number;
        originalUnitPriceSet: PresentmentMoney;
        originalTotalSet: PresentmentMoney;
        discountedTotalSet: PresentmentMoney;
      }[];
      availableShippingRates: {
        handle: string;
        title: string;
        price: { amount: string; currencyCode: string };
      }[];
      shippingLine: {
        title: string;
        shippingRateHandle: string | null;
        discountedPriceSet: PresentmentMoney;
        taxLines: { priceSet: PresentmentMoney }[];
      } | null;
      discountCodes: string[];
      platformDiscounts: {
        code: string | null;
        title: string;
        automaticDiscount: boolean;
        totalAmountPriceSet: PresentmentMoney;
      }[];
      totalDiscountsSet: PresentmentMoney;
      totalTaxSet: PresentmentMoney;
      totalPriceSet: PresentmentMoney;
      warnings: { errorCode: string; field: string; message: string }[];
    } | null;
    userErrors: { field: string[] | null; message: string }[];
  };
}

const POLICY_LINK_TYPES: Record<string, PolicyLink["type"]> = {
  TERMS_OF_SERVICE: "terms_of_use",
  PRIVACY_POLICY: "privacy_policy",
  REFUND_POLICY: "return_policy",
  SHIPPING_POLICY: "shipping_policy",
};

export class ShopifyQuoteRejected extends Error {
  constructor(readonly userErrors: { field: string[] | null; message: string }[]) {
    super(userErrors.map((error) => error.message).join("; "));
  }
}

/** The store as Shopify's Admin API (2026-04) describes and prices it. */
export const shopifyStoreGateway: StoreGateway = {
  async shopInfo(shop): Promise<ShopInfo> {
    const cached = await prisma.shop.findUnique({
      where: { domain: shop },
      select: { info: true, infoFetchedAt: true },
    });
    if (cached?.info && cached.infoFetchedAt && Date.now() - cached.infoFetchedAt.getTime() < SHOP_INFO_TTL_MS) {
      return JSON.parse(cached.info) as ShopInfo;
    }
    const info = await fetchShopInfo(shop);
    await prisma.shop.updateMany({
      where: { domain: shop },
      data: { info: JSON.stringify(info), infoFetchedAt: new Date() },
    });
    return info;
  },

  async lookupVariants(shop, variantIds) {
    const facts = new Map<string, VariantFacts>();
    if (variantIds.length === 0) return facts;
    const data = await adminGraphql<{ nodes: (VariantNode | null | Record<string, never>)[] }>(
      shop,
      VARIANTS,
      {
        ids: variantIds,
      },
    );
    for (const node of data.nodes) {
      if (!node || !("id" in node)) continue;
      const variant = node as VariantNode;
      const limited = variant.inventoryItem.tracked && variant.inventoryPolicy === "DENY";
      const productImage = variant.product.featuredMedia?.preview?.image?.url ?? null;
      facts.set(variant.id, {
        variantId: variant.id,
        purchasable: variant.product.status === "ACTIVE" && variant.product.publishedAt !== null,
        name:
          variant.title && variant.title !== "Default Title"
            ? `${variant.product.title} - ${variant.title}`
            : variant.product.title,
        description: variant.product.description || null,
        imageUrls: [variant.image?.url, productImage].filter((url, index, all): url is string =>
          Boolean(url && all.indexOf(url) === index),
        ),
        productUrl: variant.product.onlineStoreUrl
          ? `${variant.product.onlineStoreUrl}?variant=${variant.id.split("/").pop()}`
          : null,
        sku: variant.sku || null,
        options: variant.selectedOptions.filter((option) => option.value !== "Default Title"),
        availableQuantity: limited ? Math.max(0, variant.inventoryQuantity ?? 0) : null,
        requiresShipping: variant.inventoryItem.requiresShipping,
      });
    }
    return facts;
  },

  async quote(shop, request: QuoteRequest): Promise<Quote> {
    const currency = request.currency.toUpperCase();
    const input: Record<string, unknown> = {
      lineItems: request.lines.map((line) => ({ variantId: line.variantId, quantity: line.quantity })),
      presentmentCurrencyCode: currency,
      acceptAutomaticDiscounts: true,
      discountCodes: request.discountCodes,
    };
    if (request.email) input.email = request.email;
    if (request.address) {
      const [firstName, ...rest] = request.address.name.trim().split(/\s+/);
      input.shippingAddress = {
        firstName: rest.length ? firstName : null,
        lastName: rest.length ? rest.join(" ") : firstName,
        address1: request.address.lineOne,
        address2: request.address.lineTwo || null,
        city: request.address.city,
        provinceCode: request.address.state || null,
        countryCode: request.address.country,
        zip: request.address.postalCode,
      };
    }
    if (request.shippingRateHandle) input.shippingLine = { shippingRateHandle: request.shippingRateHandle };

    const data = await adminGraphql<QuoteData>(shop, QUOTE, { input });
    const result = data.draftOrderCalculate;
    const draft = result.calculatedDraftOrder;
    if (!draft || result.userErrors.length) throw new ShopifyQuoteRejected(result.userErrors);

    const money = (set: PresentmentMoney) => toMinorUnits(set.presentmentMoney.amount, currency);
    const shippingTax = (draft.shippingLine?.taxLines ?? []).reduce(
      (sum, line) => sum + money(line.priceSet),
      0,
    );
    const hasAddress = Boolean(request.address);
    const totalTax = money(draft.totalTaxSet);
    // Shopify reports tax per order; lines get the non-shipping part in proportion to what they cost.
    const lineTaxes = allocate(
      Math.max(0, totalTax - shippingTax),
      draft.lineItems.map((line) => money(line.discountedTotalSet)),
    );
    const lines = draft.lineItems.map((line, index) => {
      const baseAmount = money(line.originalTotalSet);
      return {
        variantId: line.variant?.id ?? request.lines[index].variantId,
        quantity: line.quantity,
        unitAmount: money(line.originalUnitPriceSet),
        baseAmount,
        discountAmount: baseAmount - money(line.discountedTotalSet),
        tax: lineTaxes[index] ?? 0,
      };
    });
    const lineDiscounts = lines.reduce((sum, line) => sum + line.discountAmount, 0);
    const shippingAmount = draft.shippingLine ? money(draft.shippingLine.discountedPriceSet) : null;
    const appliedCodes = new Set(draft.discountCodes.map((code) => code.toUpperCase()));
    return {
      currency: currency.toLowerCase(),
      lines,
      shippingRates: draft.availableShippingRates.map((rate) => ({
        handle: rate.handle,
        title: rate.title,
        amount: toMinorUnits(rate.price.amount, currency),
      })),
      shipping:
        draft.shippingLine && shippingAmount !== null
          ? {
              handle:
                draft.shippingLine.shippingRateHandle ??
                request.shippingRateHandle ??
                draft.shippingLine.title,
              title: draft.shippingLine.title,
              amount: shippingAmount,
              tax: shippingTax,
            }
          : null,
      orderDiscount: Math.max(0, money(draft.totalDiscountsSet) - lineDiscounts - shippingDiscount(draft)),
      appliedDiscounts: draft.platformDiscounts.map((discount) => ({
        code: discount.code,
        title: discount.title,
        amount: money(discount.totalAmountPriceSet),
        automatic: discount.automaticDiscount,
      })),
      rejectedCodes: request.discountCodes.filter((code) => !appliedCodes.has(code.toUpperCase())),
      tax: hasAddress ? totalTax : null,
      total: money(draft.totalPriceSet),
      taxesIncluded: draft.taxesIncluded,
    };

    function shippingDiscount(
      calculated: NonNullable<QuoteData["draftOrderCalculate"]["calculatedDraftOrder"]>,
    ) {
      if (!calculated.shippingLine) return 0;
      const rate = calculated.availableShippingRates.find(
        (candidate) => candidate.handle === calculated.shippingLine?.shippingRateHandle,
      );
      return rate
        ? Math.max(
            0,
            toMinorUnits(rate.price.amount, currency) - money(calculated.shippingLine.discountedPriceSet),
          )
        : 0;
    }
  },
};

/** The shop facts checkout needs, read from Shopify. */
async function fetchShopInfo(shop: string): Promise<ShopInfo> {
  const data = await adminGraphql<ShopInfoData>(shop, SHOP_INFO);
  const links: PolicyLink[] = [];
  for (const policy of data.shop.shopPolicies) {
    const type = POLICY_LINK_TYPES[policy.type];
    if (type && policy.url) links.push({ type, url: policy.url, title: policy.title || null });
  }
  return {
    name: data.shop.name,
    currency: data.shop.currencyCode.toLowerCase(),
    presentmentCurrencies: data.shop.enabledPresentmentCurrencies.map((code) => code.toLowerCase()),
    shipsToCountries: data.shop.shipsToCountries,
    links,
  };
}
