/**
 * REST-shaped webhook payloads, as Shopify sends `orders/*`, `refunds/create`, `fulfillments/*` and
 * `draft_orders/*` (the JSON of the REST resource at the subscription's API version). Money is in
 * the `Money` format ("199.00"), ids are numeric with `admin_graphql_api_id` beside them, enums are
 * lower-case, timestamps carry the shop's UTC offset.
 */
import {
  numericId,
  type DraftOrder,
  type Fulfillment,
  type MailingAddress,
  type Order,
  type OrderTransaction,
  type Refund,
  type ShopState,
} from "../store";
import { countryName, provinceName } from "./geo";
import { formatMoney } from "./money";
import { lineUnitShares, orderBalances, orderMinor, orderToken, shopMinor } from "./orders";

type Json = Record<string, unknown>;

/** ISO time in the shop's zone with its offset: "2026-06-01T08:00:00-04:00". */
export function shopTime(shop: ShopState, iso: string | null | undefined): string | null {
  if (!iso) return null;
  const date = new Date(iso);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-US", {
      timeZone: shop.ianaTimezone || "UTC",
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    })
      .formatToParts(date)
      .map((part) => [part.type, part.value]),
  );
  const local = Date.UTC(
    Number(parts.year),
    Number(parts.month) - 1,
    Number(parts.day),
    Number(parts.hour),
    Number(parts.minute),
    Number(parts.second),
  );
  const offsetMinutes = Math.round((local - Math.floor(date.getTime() / 1000) * 1000) / 60000);
  const sign = offsetMinutes < 0 ? "-" : "+";
  const abs = Math.abs(offsetMinutes);
  const offset = `${sign}${String(Math.floor(abs / 60)).padStart(2, "0")}:${String(abs % 60).padStart(2, "0")}`;
  return `${parts.year}-${parts.month}-${parts.day}T${parts.hour}:${parts.minute}:${parts.second}${offset}`;
}

function moneySet(order: Order, presentmentMinor: number): Json {
  return {
    shop_money: {
      amount: formatMoney(shopMinor(order, presentmentMinor), order.currencyCode),
      currency_code: order.currencyCode,
    },
    presentment_money: {
      amount: formatMoney(presentmentMinor, order.presentmentCurrencyCode),
      currency_code: order.presentmentCurrencyCode,
    },
  };
}

function money(order: Order, presentmentMinor: number): string {
  return formatMoney(shopMinor(order, presentmentMinor), order.currencyCode);
}

function address(value: MailingAddress | null): Json | null {
  if (!value) return null;
  const name = [value.firstName, value.lastName].filter(Boolean).join(" ");
  return {
    first_name: value.firstName ?? null,
    last_name: value.lastName ?? null,
    name: name || null,
    company: value.company ?? null,
    address1: value.address1 ?? null,
    address2: value.address2 ?? null,
    city: value.city ?? null,
    province: provinceName(value.countryCode, value.provinceCode),
    province_code: value.provinceCode ?? null,
    country: countryName(value.countryCode),
    country_code: value.countryCode ?? null,
    zip: value.zip ?? null,
    phone: value.phone ?? null,
    latitude: null,
    longitude: null,
  };
}

export function financialStatusRest(order: Order): string | null {
  if (order.financialStatusUnset) return "pending";
  return order.displayFinancialStatus.toLowerCase();
}

function fulfillmentStatusRest(order: Order): string | null {
  if (order.displayFulfillmentStatus === "FULFILLED") return "fulfilled";
  if (order.displayFulfillmentStatus === "PARTIALLY_FULFILLED") return "partial";
  return null;
}

function lineItemPayload(order: Order, lineId: string): Json | null {
  const line = order.lineItems.find((candidate) => candidate.id === lineId);
  if (!line) return null;
  const original = orderMinor(order, line.originalUnitPrice);
  const lineDiscount = original * line.quantity - orderMinor(order, line.discountedTotal);
  const fulfillable = Math.max(0, line.currentQuantity - line.fulfilledQuantity);
  return {
    id: Number(numericId(line.id)),
    admin_graphql_api_id: line.id,
    current_quantity: line.currentQuantity,
    fulfillable_quantity: fulfillable,
    fulfillment_service: "manual",
    fulfillment_status:
      line.fulfilledQuantity === 0
        ? null
        : line.fulfilledQuantity >= line.currentQuantity
          ? "fulfilled"
          : "partial",
    gift_card: line.isGiftCard ?? false,
    grams: 0,
    name: line.variantTitle ? `${line.title} - ${line.variantTitle}` : line.title,
    price: money(order, original),
    price_set: moneySet(order, original),
    product_exists: line.productId != null,
    product_id: line.productId ? Number(numericId(line.productId)) : null,
    properties: (line.customAttributes ?? []).map(({ key, value }) => ({ name: key, value })),
    quantity: line.quantity,
    requires_shipping: line.requiresShipping,
    sku: line.sku,
    taxable: line.taxable ?? true,
    title: line.title,
    total_discount: money(order, lineDiscount),
    total_discount_set: moneySet(order, lineDiscount),
    variant_id: line.variantId ? Number(numericId(line.variantId)) : null,
    variant_inventory_management: line.variantId ? "shopify" : null,
    variant_title: line.variantTitle,
    vendor: line.vendor ?? null,
    tax_lines: line.taxLines.map((tax) => taxLine(order, tax)),
    duties: [],
    discount_allocations: (line.discountAllocations ?? []).map((allocation) => ({
      amount: money(order, orderMinor(order, allocation.amount)),
      amount_set: moneySet(order, orderMinor(order, allocation.amount)),
      discount_application_index: allocation.application,
    })),
  };
}

function taxLine(order: Order, tax: { title: string; rate: number; price: string }): Json {
  const amount = orderMinor(order, tax.price);
  return {
    channel_liable: false,
    price: money(order, amount),
    price_set: moneySet(order, amount),
    rate: tax.rate,
    title: tax.title,
  };
}

export function transactionPayload(shop: ShopState, order: Order, transaction: OrderTransaction): Json {
  const amount = orderMinor(order, transaction.amount);
  return {
    id: Number(numericId(transaction.id)),
    admin_graphql_api_id: transaction.id,
    order_id: Number(order.legacyResourceId),
    kind: transaction.kind.toLowerCase(),
    gateway: transaction.gateway,
    status: transaction.status.toLowerCase(),
    message: null,
    created_at: shopTime(shop, transaction.processedAt),
    processed_at: shopTime(shop, transaction.processedAt),
    test: transaction.test ?? false,
    authorization: transaction.authorizationCode,
    parent_id: transaction.parentId ? Number(numericId(transaction.parentId)) : null,
    currency: transaction.currencyCode,
    amount: formatMoney(amount, transaction.currencyCode),
    source_name: "web",
  };
}

export function fulfillmentPayload(shop: ShopState, order: Order, fulfillment: Fulfillment): Json {
  const latest = fulfillment.events[fulfillment.events.length - 1];
  return {
    id: Number(numericId(fulfillment.id)),
    admin_graphql_api_id: fulfillment.id,
    order_id: Number(order.legacyResourceId),
    name: fulfillment.name ?? null,
    status: fulfillment.status.toLowerCase(),
    service: "manual",
    shipment_status: latest ? latest.status.toLowerCase() : null,
    location_id: fulfillment.locationId ? Number(numericId(fulfillment.locationId)) : null,
    origin_address: {},
    receipt: {},
    tracking_company: fulfillment.trackingCompany,
    tracking_number: fulfillment.trackingNumber,
    tracking_numbers: fulfillment.trackingNumber ? [fulfillment.trackingNumber] : [],
    tracking_url: fulfillment.trackingUrl,
    tracking_urls: fulfillment.trackingUrl ? [fulfillment.trackingUrl] : [],
    created_at: shopTime(shop, fulfillment.createdAt),
    updated_at: shopTime(shop, fulfillment.updatedAt),
    line_items: fulfillment.lineItems
      .map((entry) => {
        const line = lineItemPayload(order, entry.lineItemId);
        return line ? { ...line, quantity: entry.quantity } : null;
      })
      .filter(Boolean),
  };
}

export function refundPayload(shop: ShopState, order: Order, refund: Refund): Json {
  return {
    id: Number(numericId(refund.id)),
    admin_graphql_api_id: refund.id,
    order_id: Number(order.legacyResourceId),
    created_at: shopTime(shop, refund.createdAt),
    processed_at: shopTime(shop, refund.createdAt),
    note: refund.note,
    restock: refund.lineItems.some((line) => line.restockType !== "NO_RESTOCK"),
    user_id: null,
    refund_line_items: refund.lineItems.map((entry, index) => {
      const line = order.lineItems.find((candidate) => candidate.id === entry.lineItemId);
      const shares = line ? lineUnitShares(order, line) : null;
      const subtotal = shares?.subtotal(entry.quantity) ?? 0;
      const tax = shares?.tax(entry.quantity) ?? 0;
      return {
        id: Number(numericId(refund.id)) * 100 + index,
        line_item_id: Number(numericId(entry.lineItemId)),
        location_id: null,
        quantity: entry.quantity,
        restock_type: entry.restockType.toLowerCase(),
        subtotal: money(order, subtotal),
        subtotal_set: moneySet(order, subtotal),
        total_tax: money(order, tax),
        total_tax_set: moneySet(order, tax),
        line_item: lineItemPayload(order, entry.lineItemId),
      };
    }),
    transactions: order.transactions
      .filter((transaction) => refund.transactionIds.includes(transaction.id))
      .map((transaction) => transactionPayload(shop, order, transaction)),
    order_adjustments: [],
    refund_shipping_lines: [],
    duties: [],
  };
}

export function orderPayload(shop: ShopState, order: Order): Json {
  const balances = orderBalances(order);
  const m = (minor: number) => money(order, minor);
  const s = (minor: number) => moneySet(order, minor);
  const subtotal = orderMinor(order, order.subtotal);
  const totalTax = orderMinor(order, order.totalTax);
  const totalDiscounts = orderMinor(order, order.totalDiscounts);
  const lineItemsPrice = order.lineItems.reduce(
    (sum, line) => sum + orderMinor(order, line.originalUnitPrice) * line.quantity,
    0,
  );
  const number = Number(order.name.replace(/\D/g, "")) || 0;
  const taxLines = new Map<string, { title: string; rate: number; amount: number }>();
  for (const tax of [
    ...order.lineItems.flatMap((line) => line.taxLines),
    ...order.shippingLines.flatMap((line) => line.taxLines),
  ]) {
    const key = `${tax.title}\u0000${tax.rate}`;
    const entry = taxLines.get(key) ?? { title: tax.title, rate: tax.rate, amount: 0 };
    entry.amount += orderMinor(order, tax.price);
    taxLines.set(key, entry);
  }
  return {
    id: Number(order.legacyResourceId),
    admin_graphql_api_id: order.id,
    app_id: null,
    browser_ip: null,
    buyer_accepts_marketing: false,
    cancel_reason: order.cancelReason ? order.cancelReason.toLowerCase() : null,
    cancelled_at: shopTime(shop, order.cancelledAt),
    cart_token: null,
    checkout_id: null,
    checkout_token: null,
    closed_at: shopTime(shop, order.closedAt ?? null),
    confirmation_number: null,
    confirmed: true,
    contact_email: order.email,
    created_at: shopTime(shop, order.createdAt),
    currency: order.currencyCode,
    current_subtotal_price: m(balances.currentSubtotal),
    current_subtotal_price_set: s(balances.currentSubtotal),
    current_total_discounts: m(balances.currentDiscounts),
    current_total_discounts_set: s(balances.currentDiscounts),
    current_total_price: m(balances.currentTotal),
    current_total_price_set: s(balances.currentTotal),
    current_total_tax: m(balances.currentTax),
    current_total_tax_set: s(balances.currentTax),
    customer_locale: null,
    discount_codes: order.discountCodes.map((code) => {
      const application = (order.discountApplications ?? []).find((entry) => entry.code === code);
      return {
        code,
        amount: m(application ? orderMinor(order, application.amount) : 0),
        type:
          application?.targetType === "SHIPPING_LINE"
            ? "shipping"
            : application?.valueType === "PERCENTAGE"
              ? "percentage"
              : "fixed_amount",
      };
    }),
    discount_applications: (order.discountApplications ?? []).map((application) => ({
      target_type: application.targetType === "SHIPPING_LINE" ? "shipping_line" : "line_item",
      type:
        application.kind === "DISCOUNT_CODE"
          ? "discount_code"
          : application.kind === "AUTOMATIC"
            ? "automatic"
            : "manual",
      value:
        application.valueType === "PERCENTAGE"
          ? application.value.toFixed(1)
          : formatMoney(application.value, order.presentmentCurrencyCode),
      value_type: application.valueType.toLowerCase(),
      allocation_method: "across",
      target_selection: "all",
      ...(application.code ? { code: application.code } : { title: application.title }),
    })),
    email: order.email,
    estimated_taxes: false,
    financial_status: financialStatusRest(order),
    fulfillment_status: fulfillmentStatusRest(order),
    landing_site: null,
    location_id: null,
    name: order.name,
    note: order.note,
    note_attributes: order.customAttributes.map(({ key, value }) => ({ name: key, value })),
    number: number - 1000,
    order_number: number,
    order_status_url: order.statusPageUrl,
    payment_gateway_names: [...new Set(order.transactions.map((transaction) => transaction.gateway))],
    phone: order.phone,
    presentment_currency: order.presentmentCurrencyCode,
    processed_at: shopTime(shop, order.processedAt),
    reference: null,
    referring_site: null,
    source_identifier: order.sourceIdentifier,
    source_name: order.sourceName,
    source_url: null,
    subtotal_price: m(subtotal),
    subtotal_price_set: s(subtotal),
    tags: order.tags.join(", "),
    tax_exempt: order.taxExempt ?? false,
    tax_lines: [...taxLines.values()].map((tax) => ({
      price: m(tax.amount),
      price_set: s(tax.amount),
      rate: tax.rate,
      title: tax.title,
      channel_liable: false,
    })),
    taxes_included: order.taxesIncluded,
    test: order.test ?? false,
    token: orderToken(order),
    total_discounts: m(totalDiscounts),
    total_discounts_set: s(totalDiscounts),
    total_line_items_price: m(lineItemsPrice),
    total_line_items_price_set: s(lineItemsPrice),
    total_outstanding: m(balances.outstanding),
    total_price: m(balances.total),
    total_price_set: s(balances.total),
    total_shipping_price_set: s(orderMinor(order, order.totalShipping)),
    total_tax: m(totalTax),
    total_tax_set: s(totalTax),
    total_tip_received: m(0),
    total_weight: 0,
    updated_at: shopTime(shop, order.updatedAt),
    user_id: null,
    billing_address: address(order.billingAddress),
    shipping_address: address(order.shippingAddress),
    customer: null,
    line_items: order.lineItems.map((line) => lineItemPayload(order, line.id)),
    shipping_lines: order.shippingLines.map((line, index) => {
      const price = orderMinor(order, line.price);
      const discounted = orderMinor(order, line.discountedPrice ?? line.price);
      return {
        id: Number(order.legacyResourceId) * 10 + index,
        carrier_identifier: null,
        code: line.code,
        discounted_price: m(discounted),
        discounted_price_set: s(discounted),
        price: m(price),
        price_set: s(price),
        source: line.source ?? "shopify",
        title: line.title,
        tax_lines: line.taxLines.map((tax) => taxLine(order, tax)),
        discount_allocations: [],
      };
    }),
    fulfillments: order.fulfillments.map((fulfillment) => fulfillmentPayload(shop, order, fulfillment)),
    refunds: order.refunds.map((refund) => refundPayload(shop, order, refund)),
    payment_terms: null,
  };
}

export function draftOrderPayload(shop: ShopState, draft: DraftOrder): Json {
  return {
    id: Number(numericId(draft.id)),
    admin_graphql_api_id: draft.id,
    name: draft.name,
    status: draft.status.toLowerCase(),
    order_id: draft.orderId ? Number(numericId(draft.orderId)) : null,
    created_at: shopTime(shop, draft.createdAt),
    updated_at: shopTime(shop, draft.updatedAt),
    completed_at: shopTime(shop, draft.completedAt ?? null),
    email: (draft.input.email as string | undefined) ?? null,
    note: (draft.input.note as string | undefined) ?? null,
  };
}
