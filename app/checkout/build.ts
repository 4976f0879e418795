import type { Quote, VariantFacts } from "./gateway";
import type {
  Buyer,
  CheckoutMessage,
  CheckoutSession,
  DiscountState,
  FeeLine,
  FulfillmentDetails,
  FulfillmentOption,
  RequestedLine,
  SessionLine,
  Totals,
} from "./model";
import { computeFees, type FeeRuleInput } from "./fees";
import { localized, type Text } from "../i18n/catalog";

/** Everything needed to (re)build a session after a change; no I/O. */
export interface BuildInput {
  base: Pick<
    CheckoutSession,
    | "id"
    | "shop"
    | "agentId"
    | "currency"
    | "locale"
    | "links"
    | "payment"
    | "interventions"
    | "metadata"
    | "createdAt"
    | "expiresAt"
  >;
  previousLines: SessionLine[];
  requestedLines: RequestedLine[];
  variantIdFor: (itemId: string) => string | null;
  facts: Map<string, VariantFacts>;
  /** Shopify's answer for the lines that can be priced; null when none can. */
  quote: Quote | null;
  buyer: Buyer | null;
  fulfillmentDetails: FulfillmentDetails | null;
  selectedFulfillmentOptionId: string | null;
  discountCodes: string[];
  fees: FeeRuleInput[];
  maxQuantityPerLine: number;
  shipsToCountries: string[];
  newLineId: () => string;
  now: string;
}

/** Which requested lines Shopify should price, with the problems of the others. */
export function classifyLines(
  input: Pick<BuildInput, "requestedLines" | "variantIdFor" | "facts" | "maxQuantityPerLine">,
) {
  const priceable: { index: number; variantId: string; quantity: number }[] = [];
  const messages: CheckoutMessage[] = [];
  input.requestedLines.forEach((line, index) => {
    const variantId = input.variantIdFor(line.itemId);
    const facts = variantId ? input.facts.get(variantId) : undefined;
    const target = { kind: "line", index } as const;
    if (!variantId || !facts) {
      messages.push(error("not_found", target, localized("line.unknown_item", { itemId: line.itemId })));
      return;
    }
    if (!facts.purchasable) {
      messages.push(
        error("out_of_stock", target, localized("line.no_longer_available", { name: facts.name })),
      );
      return;
    }
    if (facts.availableQuantity !== null && facts.availableQuantity <= 0) {
      messages.push(error("out_of_stock", target, localized("line.out_of_stock", { name: facts.name })));
      return;
    }
    if (line.quantity > input.maxQuantityPerLine) {
      messages.push(
        error(
          "maximum_exceeded",
          { kind: "lineQuantity", index },
          localized("line.max_per_order", { max: input.maxQuantityPerLine, name: facts.name }),
        ),
      );
      return;
    }
    if (facts.availableQuantity !== null && line.quantity > facts.availableQuantity) {
      messages.push(
        error(
          "quantity_exceeded",
          { kind: "lineQuantity", index },
          localized("line.only_left", { available: facts.availableQuantity, name: facts.name }),
        ),
      );
      return;
    }
    priceable.push({ index, variantId, quantity: line.quantity });
  });
  return { priceable, messages };
}

export function buildSession(input: BuildInput): Omit<CheckoutSession, "status" | "order" | "updatedAt"> & {
  ready: boolean;
} {
  const { priceable, messages } = classifyLines(input);
  const quote = input.quote;
  const quotedByIndex = new Map(priceable.map((line, position) => [line.index, quote?.lines[position]]));
  const previousIds = new Map(input.previousLines.map((line) => [line.itemId, line.id]));
  const taxesIncluded = quote?.taxesIncluded ?? false;

  const lines: SessionLine[] = input.requestedLines.map((requested, index) => {
    const variantId = input.variantIdFor(requested.itemId);
    const facts = variantId ? input.facts.get(variantId) : undefined;
    const quoted = quotedByIndex.get(index);
    const baseGross = quoted?.baseAmount ?? 0;
    const tax = quoted?.tax ?? 0;
    // In tax-inclusive shops the price already holds the tax: report it net so base − discount + tax adds up.
    const baseAmount = taxesIncluded ? baseGross - tax : baseGross;
    const discountAmount = quoted?.discountAmount ?? 0;
    return {
      id: previousIds.get(requested.itemId) ?? input.newLineId(),
      itemId: requested.itemId,
      variantId: facts ? facts.variantId : null,
      quantity: requested.quantity,
      name: facts?.name ?? null,
      description: facts?.description ?? null,
      imageUrls: facts?.imageUrls ?? [],
      productUrl: facts?.productUrl ?? null,
      sku: facts?.sku ?? null,
      variantOptions: facts?.options ?? [],
      unitAmount: quoted?.unitAmount ?? 0,
      baseAmount,
      discountAmount,
      subtotal: baseAmount - discountAmount,
      tax,
      total: baseAmount - discountAmount + tax,
      availableQuantity: facts?.availableQuantity ?? null,
      requiresShipping: facts?.requiresShipping ?? true,
    };
  });

  const address = input.fulfillmentDetails?.address ?? null;
  const needsShipping = priceable.some((line) => input.facts.get(line.variantId)?.requiresShipping);
  if (address && !input.shipsToCountries.includes(address.country)) {
    messages.push(
      error(
        "region_restricted",
        { kind: "fulfillmentAddress", field: "country" },
        localized("address.country_not_shipped", { country: address.country }),
      ),
    );
  }

  const fulfillmentOptions: FulfillmentOption[] = [];
  const itemIds = priceable.map((line) => input.requestedLines[line.index].itemId);
  if (quote && needsShipping) {
    for (const rate of quote.shippingRates) {
      const selected = quote.shipping?.handle === rate.handle;
      const tax = selected ? quote.shipping!.tax : 0;
      const amount = selected ? quote.shipping!.amount : rate.amount;
      const subtotal = taxesIncluded ? amount - tax : amount;
      fulfillmentOptions.push({
        id: rate.handle,
        type: "shipping",
        title: rate.title,
        description: null,
        carrier: null,
        earliestDeliveryTime: null,
        latestDeliveryTime: null,
        subtotal,
        tax,
        total: subtotal + tax,
        itemIds,
      });
    }
    if (address && quote.shippingRates.length === 0 && input.shipsToCountries.includes(address.country)) {
      messages.push(
        error("region_restricted", { kind: "fulfillmentAddress" }, localized("address.no_shipping_rate")),
      );
    }
  } else if (quote && priceable.length > 0) {
    fulfillmentOptions.push({
      id: "digital",
      type: "digital",
      title: "Digital delivery",
      description: null,
      carrier: null,
      earliestDeliveryTime: null,
      latestDeliveryTime: null,
      subtotal: 0,
      tax: 0,
      total: 0,
      itemIds,
    });
  }

  let selectedFulfillmentOptionId = input.selectedFulfillmentOptionId;
  if (!needsShipping && fulfillmentOptions.length === 1) selectedFulfillmentOptionId = "digital";
  if (
    selectedFulfillmentOptionId &&
    !fulfillmentOptions.some((option) => option.id === selectedFulfillmentOptionId)
  ) {
    if (fulfillmentOptions.length > 0 || !quote) {
      messages.push(
        error("invalid", { kind: "fulfillmentOption" }, localized("fulfillment.option_not_offered")),
      );
    }
    selectedFulfillmentOptionId = null;
  }
  let selectedOption = fulfillmentOptions.find((option) => option.id === selectedFulfillmentOptionId) ?? null;
  // A shipping choice counts only once Shopify priced it (it is then part of Shopify's total).
  if (selectedOption?.type === "shipping" && quote?.shipping?.handle !== selectedOption.id)
    selectedOption = null;

  const discounts: DiscountState = {
    codes: input.discountCodes,
    applied: quote?.appliedDiscounts ?? [],
    rejected: (quote?.rejectedCodes ?? []).map((code) => ({ code, reason: "invalid" as const })),
  };
  for (const rejected of discounts.rejected) {
    messages.push({
      type: "warning",
      code: "coupon_invalid",
      target: { kind: "discountCode", index: input.discountCodes.indexOf(rejected.code) },
      text: localized("discount.code_not_applicable", { code: rejected.code }),
      contentType: "plain",
      resolution: "recoverable",
    });
  }

  const itemsBaseAmount = lines.reduce((sum, line) => sum + line.baseAmount, 0);
  const itemsDiscount = lines.reduce((sum, line) => sum + line.discountAmount, 0);
  const subtotal = itemsBaseAmount - itemsDiscount;
  const fulfillment = selectedOption ? selectedOption.subtotal : null;
  const tax = quote?.tax === null || quote?.tax === undefined ? null : quote.tax;
  const country = address?.country ?? null;
  const fees: FeeLine[] = quote
    ? computeFees(input.fees, {
        subtotal,
        currency: input.base.currency,
        agentId: input.base.agentId,
        country,
      })
    : [];
  const feeTotal = fees.reduce((sum, fee) => sum + fee.amount, 0);
  // Shopify's total is authoritative; a discount it did not allocate to lines balances the sum.
  const pricedShipping = selectedOption && quote?.shipping ? selectedOption.subtotal : 0;
  const beforeDiscount = subtotal + (fulfillment ?? 0) + (tax ?? 0);
  const discount = quote ? Math.max(0, subtotal + pricedShipping + (tax ?? 0) - quote.total) : 0;
  const totals: Totals = {
    itemsBaseAmount,
    itemsDiscount,
    subtotal,
    discount,
    fulfillment,
    tax,
    fees,
    total: beforeDiscount - discount + feeTotal,
    taxesIncluded,
  };

  const email = input.buyer?.email ?? input.fulfillmentDetails?.email ?? null;
  const hasErrors = messages.some((message) => message.type === "error");
  const ready =
    !hasErrors &&
    priceable.length === input.requestedLines.length &&
    priceable.length > 0 &&
    quote !== null &&
    tax !== null &&
    selectedOption !== null &&
    Boolean(email);

  return {
    ...input.base,
    lines,
    buyer: input.buyer,
    fulfillmentDetails: input.fulfillmentDetails,
    fulfillmentOptions,
    selectedFulfillmentOptionId: selectedOption?.id ?? null,
    discounts,
    totals,
    messages,
    ready,
  };
}

function error(
  code: CheckoutMessage["code"],
  target: CheckoutMessage["target"],
  text: Text,
): CheckoutMessage {
  return { type: "error", code, target, text, contentType: "plain", resolution: "requires_buyer_input" };
}
