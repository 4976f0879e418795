/**
 * The order model: building orders (from a draft calculation or an orderCreate input), and the
 * derived state Shopify keeps in step with transactions, refunds and fulfillments. No GraphQL here.
 *
 * Order amounts are stored in the presentment currency, as decimal strings; `shopMoneyRate`
 * converts them to shop money at the edge (Shopify prices in presentment and converts).
 */
import { createHash } from "node:crypto";
import {
  findVariant,
  newGid,
  numericId,
  type FulfillmentOrder,
  type Gid,
  type MailingAddress,
  type Order,
  type OrderDiscountApplication,
  type OrderLineItem,
  type OrderTransaction,
  type ShopState,
} from "../store";
import { convertMinor, formatMoney, toMinor } from "./money";
import { timestamp } from "./time";

export interface LineSpec {
  variantId: Gid | null;
  productId: Gid | null;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  vendor: string | null;
  quantity: number;
  unitPrice: number;
  /** After line-level discounts only (Shopify's `discountedTotalSet`). */
  discountedTotal: number;
  taxLines: { title: string; rate: number; amount: number }[];
  requiresShipping: boolean;
  taxable: boolean;
  isGiftCard: boolean;
  customAttributes: { key: string; value: string }[];
  allocations: { application: number; amount: number }[];
}

export interface ShippingSpec {
  title: string;
  code: string | null;
  source: string | null;
  handle: string | null;
  price: number;
  discount: number;
  taxLines: { title: string; rate: number; amount: number }[];
}

export interface TransactionSpec {
  kind: OrderTransaction["kind"];
  status: OrderTransaction["status"];
  gateway: string;
  amount: number;
  authorizationCode: string | null;
  processedAt: string | null;
  test: boolean;
}

export interface DiscountApplicationSpec {
  kind: OrderDiscountApplication["kind"];
  code: string | null;
  title: string;
  valueType: OrderDiscountApplication["valueType"];
  value: number;
  targetType: OrderDiscountApplication["targetType"];
  amount: number;
}

/** Everything needed to create an order, amounts in presentment minor units. */
export interface OrderSpec {
  presentmentCurrency: string;
  shopMoneyRate: number;
  email: string | null;
  phone: string | null;
  note: string | null;
  tags: string[];
  customAttributes: { key: string; value: string }[];
  sourceName: string | null;
  sourceIdentifier: string | null;
  test: boolean;
  shippingAddress: MailingAddress | null;
  billingAddress: MailingAddress | null;
  taxesIncluded: boolean;
  taxExempt: boolean;
  processedAt: string | null;
  lines: LineSpec[];
  shippingLines: ShippingSpec[];
  discountApplications: DiscountApplicationSpec[];
  discountCodes: string[];
  transactions: TransactionSpec[];
  subtotal: number;
  totalDiscounts: number;
  totalShipping: number;
  totalTax: number;
  total: number;
  /** An explicit `financialStatus` from orderCreate; otherwise derived from transactions. */
  financialStatus?: Order["displayFinancialStatus"] | null;
  draftOrderId?: Gid | null;
}

export function buildOrder(shop: ShopState, now: Date, spec: OrderSpec): Order {
  const id = newGid(shop, "Order");
  const stamp = timestamp(now);
  const currency = spec.presentmentCurrency;
  const dec = (minor: number) => formatMoney(minor, currency);
  const number = nextOrderNumber(shop);
  const order: Order = {
    id,
    legacyResourceId: numericId(id),
    name: `#${number}`,
    email: spec.email,
    phone: spec.phone,
    currencyCode: shop.currencyCode,
    presentmentCurrencyCode: currency,
    sourceName: spec.sourceName,
    sourceIdentifier: spec.sourceIdentifier,
    // Shopify stores tags sorted (observed: ["parity-probe","fulfillment-create"] reads back sorted).
    tags: normalizeTags(spec.tags),
    note: spec.note,
    customAttributes: spec.customAttributes,
    shippingAddress: spec.shippingAddress,
    billingAddress: spec.billingAddress,
    lineItems: spec.lines.map(
      (line): OrderLineItem => ({
        id: newGid(shop, "LineItem"),
        variantId: line.variantId,
        productId: line.productId,
        title: line.title,
        variantTitle: line.variantTitle,
        sku: line.sku,
        quantity: line.quantity,
        originalUnitPrice: dec(line.unitPrice),
        discountedTotal: dec(line.discountedTotal),
        taxLines: line.taxLines.map((tax) => ({ title: tax.title, rate: tax.rate, price: dec(tax.amount) })),
        requiresShipping: line.requiresShipping,
        currentQuantity: line.quantity,
        fulfilledQuantity: 0,
        taxable: line.taxable,
        vendor: line.vendor,
        isGiftCard: line.isGiftCard,
        customAttributes: line.customAttributes,
        discountAllocations: line.allocations.map((allocation) => ({
          application: allocation.application,
          amount: dec(allocation.amount),
        })),
      }),
    ),
    shippingLines: spec.shippingLines.map((line) => ({
      title: line.title,
      code: line.code,
      price: dec(line.price),
      discountedPrice: dec(line.price - line.discount),
      source: line.source,
      shippingRateHandle: line.handle,
      taxLines: line.taxLines.map((tax) => ({ title: tax.title, rate: tax.rate, price: dec(tax.amount) })),
    })),
    taxesIncluded: spec.taxesIncluded,
    subtotal: dec(spec.subtotal),
    totalDiscounts: dec(spec.totalDiscounts),
    totalShipping: dec(spec.totalShipping),
    totalTax: dec(spec.totalTax),
    total: dec(spec.total),
    discountCodes: spec.discountCodes,
    transactions: [],
    fulfillments: [],
    refunds: [],
    displayFinancialStatus: "PENDING",
    displayFulfillmentStatus: "UNFULFILLED",
    cancelledAt: null,
    cancelReason: null,
    closed: false,
    statusPageUrl: "",
    createdAt: stamp,
    updatedAt: stamp,
    processedAt: spec.processedAt ?? stamp,
    shopMoneyRate: spec.shopMoneyRate,
    test: spec.test,
    closedAt: null,
    taxExempt: spec.taxExempt,
    discountApplications: spec.discountApplications.map((application) => ({
      ...application,
      amount: dec(application.amount),
    })),
    cancelStaffNote: null,
    draftOrderId: spec.draftOrderId ?? null,
  };
  order.statusPageUrl = statusPageUrl(shop, order);
  for (const transaction of spec.transactions) {
    order.transactions.push({
      id: newGid(shop, "OrderTransaction"),
      kind: transaction.kind,
      status: transaction.status,
      gateway: transaction.gateway,
      amount: dec(transaction.amount),
      currencyCode: currency,
      authorizationCode: transaction.authorizationCode,
      parentId: null,
      processedAt: transaction.processedAt ?? stamp,
      test: transaction.test,
    });
  }
  if (spec.financialStatus !== undefined && spec.financialStatus !== null) {
    order.displayFinancialStatus = spec.financialStatus;
  } else {
    const derived = deriveFinancialStatus(order);
    order.financialStatusUnset = derived === null;
    order.displayFinancialStatus = derived ?? "PENDING";
  }
  order.fulfillmentOrders = [createFulfillmentOrder(shop, order, stamp)];
  shop.orders.set(id, order);
  return order;
}

/** Order numbers continue from the highest existing "#NNNN" (Shopify starts at #1001). */
function nextOrderNumber(shop: ShopState): number {
  let highest = 1000;
  for (const order of shop.orders.values()) {
    const match = /^#(\d+)$/.exec(order.name);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return highest + 1;
}

export function nextDraftOrderName(shop: ShopState): string {
  let highest = 0;
  for (const draft of shop.draftOrders.values()) {
    const match = /^#D(\d+)$/.exec(draft.name);
    if (match) highest = Math.max(highest, Number(match[1]));
  }
  return `#D${highest + 1}`;
}

export function normalizeTags(tags: string[]): string[] {
  const seen = new Map<string, string>();
  for (const raw of tags.flatMap((tag) => tag.split(","))) {
    const tag = raw.trim();
    if (tag && !seen.has(tag.toLowerCase())) seen.set(tag.toLowerCase(), tag);
  }
  return [...seen.values()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * `https://<shop domain>/<numeric shop id>/orders/<token>/authenticate?key=<key>`, the format of
 * Shopify's `order_status_url`. Token and key are derived from the order so runs are repeatable.
 */
function statusPageUrl(shop: ShopState, order: Order): string {
  const origin = new URL(shop.primaryDomainUrl || `https://${shop.domain}`).origin;
  const token = createHash("md5").update(`${shop.domain}:${order.id}:token`).digest("hex");
  const key = createHash("md5").update(`${shop.domain}:${order.id}:key`).digest("hex");
  return `${origin}/${numericId(shop.id)}/orders/${token}/authenticate?key=${key}`;
}

export function orderToken(order: Order): string {
  return /\/orders\/([0-9a-f]+)\//.exec(order.statusPageUrl)?.[1] ?? "";
}

function createFulfillmentOrder(shop: ShopState, order: Order, stamp: string): FulfillmentOrder {
  const location = shop.locations.find((candidate) => candidate.isActive) ?? null;
  return {
    id: newGid(shop, "FulfillmentOrder"),
    status: "OPEN",
    requestStatus: "UNSUBMITTED",
    locationId: location?.id ?? null,
    lineItems: order.lineItems.map((line) => ({
      id: newGid(shop, "FulfillmentOrderLineItem"),
      lineItemId: line.id,
      totalQuantity: line.quantity,
      remainingQuantity: line.quantity,
    })),
    createdAt: stamp,
    updatedAt: stamp,
  };
}

export function fulfillmentOrdersOf(order: Order): FulfillmentOrder[] {
  return order.fulfillmentOrders ?? [];
}

/* ----------------------------------------------------------------------------------------------
 * Money views of an order
 * ------------------------------------------------------------------------------------------- */

export function orderMinor(order: Order, decimal: string): number {
  return toMinor(decimal, order.presentmentCurrencyCode);
}

export function shopMinor(order: Order, presentmentMinor: number): number {
  return convertMinor(
    presentmentMinor,
    order.presentmentCurrencyCode,
    order.currencyCode,
    order.shopMoneyRate ?? 1,
  );
}

export function orderDecimal(order: Order, minor: number): string {
  return formatMoney(minor, order.presentmentCurrencyCode);
}

const successful = (transaction: OrderTransaction) => transaction.status === "SUCCESS";

/** The running money state of an order (presentment minor units), as Shopify derives it. */
export function orderBalances(order: Order) {
  const amount = (transaction: OrderTransaction) => orderMinor(order, transaction.amount);
  const of = (kinds: OrderTransaction["kind"][]) =>
    order.transactions
      .filter((transaction) => successful(transaction) && kinds.includes(transaction.kind))
      .reduce((sum, transaction) => sum + amount(transaction), 0);
  const received = of(["SALE", "CAPTURE"]);
  const refunded = of(["REFUND"]);
  const voidedParents = new Set(
    order.transactions
      .filter((transaction) => successful(transaction) && transaction.kind === "VOID")
      .map((transaction) => transaction.parentId),
  );
  const authorizations = order.transactions.filter(
    (transaction) => successful(transaction) && transaction.kind === "AUTHORIZATION",
  );
  const capturedFrom = (parent: OrderTransaction) =>
    order.transactions
      .filter((transaction) => successful(transaction) && transaction.kind === "CAPTURE")
      .filter((transaction) => transaction.parentId === parent.id)
      .reduce((sum, transaction) => sum + amount(transaction), 0);
  const capturable = authorizations
    .filter((authorization) => !voidedParents.has(authorization.id))
    .reduce(
      (sum, authorization) => sum + Math.max(0, amount(authorization) - capturedFrom(authorization)),
      0,
    );
  const voided =
    authorizations.length > 0 && authorizations.every((authorization) => voidedParents.has(authorization.id));

  const refundedLines = refundedLineAmounts(order);
  const refundedShipping = order.refunds.reduce(
    (sum, refund) => sum + orderMinor(order, refund.shippingAmount ?? "0"),
    0,
  );
  const total = orderMinor(order, order.total);
  const currentTotal = total - refundedLines.total - refundedShipping;
  const netPayment = received - refunded;
  return {
    received,
    refunded,
    capturable,
    voided,
    netPayment,
    total,
    currentTotal,
    currentSubtotal: orderMinor(order, order.subtotal) - refundedLines.subtotal,
    currentTax: orderMinor(order, order.totalTax) - refundedLines.tax,
    currentDiscounts: orderMinor(order, order.totalDiscounts) - refundedLines.discounts,
    currentShipping:
      order.shippingLines.reduce(
        (sum, line) => sum + orderMinor(order, line.discountedPrice ?? line.price),
        0,
      ) - refundedShipping,
    refundedShipping,
    outstanding: currentTotal - netPayment,
  };
}

/** Per-unit share of a line's money: discounted subtotal (all discounts) and tax. */
export function lineUnitShares(order: Order, line: OrderLineItem) {
  const discounted =
    orderMinor(order, line.discountedTotal) -
    (line.discountAllocations ?? []).reduce(
      (sum, allocation) => sum + orderMinor(order, allocation.amount),
      0,
    );
  const tax = line.taxLines.reduce((sum, taxLine) => sum + orderMinor(order, taxLine.price), 0);
  const original = orderMinor(order, line.originalUnitPrice) * line.quantity;
  return {
    subtotal: (quantity: number) => Math.round((discounted * quantity) / line.quantity),
    tax: (quantity: number) => Math.round((tax * quantity) / line.quantity),
    discount: (quantity: number) => Math.round(((original - discounted) * quantity) / line.quantity),
  };
}

function refundedLineAmounts(order: Order) {
  let subtotal = 0;
  let tax = 0;
  let discounts = 0;
  for (const refund of order.refunds) {
    for (const refundLine of refund.lineItems) {
      const line = order.lineItems.find((candidate) => candidate.id === refundLine.lineItemId);
      if (!line) continue;
      const shares = lineUnitShares(order, line);
      subtotal += shares.subtotal(refundLine.quantity);
      tax += shares.tax(refundLine.quantity);
      discounts += shares.discount(refundLine.quantity);
    }
  }
  const included = order.taxesIncluded ? 0 : tax;
  return { subtotal, tax, discounts, total: subtotal + included };
}

/**
 * `displayFinancialStatus` from the successful transactions; null when there is nothing to derive
 * from (orderCreate without transactions: observed `displayFinancialStatus: null`).
 */
export function deriveFinancialStatus(order: Order): Order["displayFinancialStatus"] | null {
  const balances = orderBalances(order);
  if (balances.refunded > 0) {
    return balances.refunded >= balances.received ? "REFUNDED" : "PARTIALLY_REFUNDED";
  }
  if (balances.received > 0) return balances.received >= balances.total ? "PAID" : "PARTIALLY_PAID";
  if (balances.capturable > 0) return "AUTHORIZED";
  if (balances.voided) return "VOIDED";
  if (order.transactions.length === 0) return balances.total === 0 ? "PAID" : null;
  return "PENDING";
}

/** Re-derives the statuses after an operation (Shopify recalculates then, even an explicit status). */
export function refreshStatuses(order: Order): void {
  const financial = deriveFinancialStatus(order);
  if (financial !== null) {
    order.displayFinancialStatus = financial;
    order.financialStatusUnset = false;
  }
  const lines = order.lineItems.filter((line) => line.currentQuantity > 0);
  const fulfilled = lines.reduce(
    (sum, line) => sum + Math.min(line.fulfilledQuantity, line.currentQuantity),
    0,
  );
  const wanted = lines.reduce((sum, line) => sum + line.currentQuantity, 0);
  order.displayFulfillmentStatus =
    wanted > 0 && fulfilled >= wanted ? "FULFILLED" : fulfilled > 0 ? "PARTIALLY_FULFILLED" : "UNFULFILLED";
}

/* ----------------------------------------------------------------------------------------------
 * Inventory
 * ------------------------------------------------------------------------------------------- */

export type InventoryBehaviour = "BYPASS" | "DECREMENT_IGNORING_POLICY" | "DECREMENT_OBEYING_POLICY";

/**
 * Lines whose stock can't cover the order under DECREMENT_OBEYING_POLICY (tracked, DENY policy).
 * Checked before anything is decremented so a failed claim leaves stock untouched.
 */
export function inventoryShortfalls(
  shop: ShopState,
  lines: { variantId: Gid | null; quantity: number; index: number }[],
): { index: number; title: string; available: number; wanted: number }[] {
  const wanted = new Map<Gid, { index: number; quantity: number }>();
  for (const line of lines) {
    if (!line.variantId) continue;
    const entry = wanted.get(line.variantId) ?? { index: line.index, quantity: 0 };
    entry.quantity += line.quantity;
    wanted.set(line.variantId, entry);
  }
  const shortfalls = [];
  for (const [variantId, entry] of wanted) {
    const found = findVariant(shop, variantId);
    if (!found) continue;
    const { product, variant } = found;
    if (!variant.inventoryItem.tracked || variant.inventoryPolicy !== "DENY") continue;
    const available = activeLevels(shop, variantId).reduce((sum, level) => sum + level.available, 0);
    if (available < entry.quantity) {
      const title = variant.title === "Default Title" ? product.title : `${product.title} - ${variant.title}`;
      shortfalls.push({ index: entry.index, title, available, wanted: entry.quantity });
    }
  }
  return shortfalls;
}

function activeLevels(shop: ShopState, variantId: Gid) {
  const found = findVariant(shop, variantId);
  if (!found) return [];
  const active = new Set(
    shop.locations.filter((location) => location.isActive).map((location) => location.id),
  );
  return found.variant.inventoryItem.levels.filter((level) => active.has(level.locationId));
}

/** Takes `quantity` of a tracked variant from stock (may go negative when policy is ignored). */
export function adjustInventory(shop: ShopState, variantId: Gid | null, delta: number, now: Date): void {
  if (!variantId || delta === 0) return;
  const found = findVariant(shop, variantId);
  if (!found || !found.variant.inventoryItem.tracked) return;
  const levels = activeLevels(shop, variantId);
  const level =
    delta < 0 ? (levels.find((candidate) => candidate.available >= -delta) ?? levels[0]) : levels[0];
  if (!level) return;
  level.available += delta;
  level.updatedAt = timestamp(now);
}
