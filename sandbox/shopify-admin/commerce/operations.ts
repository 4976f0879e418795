/**
 * What the commerce mutations do to the shop: validation with Shopify's user errors, the state
 * change, and the webhooks Shopify would send. Shared by the GraphQL resolvers and the merchant
 * actions (control endpoint). User-error messages quoted from live 2026-04 responses are marked
 * "observed"; the others follow Shopify's wording style but are not verbatim.
 */
import { GraphQLError } from "graphql";
import type { SandboxContext } from "../resolvers/types";
import {
  findVariant,
  newGid,
  numericId,
  type DraftOrder,
  type Fulfillment,
  type FulfillmentOrder,
  type Gid,
  type MailingAddress,
  type Order,
  type OrderTransaction,
  type Refund,
  type ShopState,
} from "../store";
import { enqueueJob } from "./jobs";
import { allocate, applyRate, formatWithSymbol, isDecimal, toMinor } from "./money";
import {
  adjustInventory,
  buildOrder,
  fulfillmentOrdersOf,
  inventoryShortfalls,
  nextDraftOrderName,
  orderBalances,
  orderDecimal,
  orderMinor,
  refreshStatuses,
  type DiscountApplicationSpec,
  type InventoryBehaviour,
  type LineSpec,
  type OrderSpec,
  type ShippingSpec,
  type TransactionSpec,
} from "./orders";
import {
  calculateDraftOrder,
  MAX_DRAFT_LINE_ITEMS,
  type Calculation,
  type DraftOrderInputLike,
  type MailingAddressInputLike,
  type UserErrorLike,
} from "./pricing";
import { rememberCalculation } from "./views";
import { draftOrderPayload, fulfillmentPayload, orderPayload, refundPayload, shopTime } from "./webhooks";

export interface CodedUserError extends UserErrorLike {
  code?: string | null;
}

type Outcome<T> = { ok: true; value: T } | { ok: false; userErrors: CodedUserError[] };

const fail = <T>(...userErrors: CodedUserError[]): Outcome<T> => ({ ok: false, userErrors });

/** Deep copy into plain JSON (GraphQL input objects may have null prototypes). */
function plain<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

function touch(order: Order, now: Date): void {
  order.updatedAt = now.toISOString();
}

export function emitOrder(ctx: SandboxContext, topic: string, order: Order): void {
  ctx.emitWebhook(topic, orderPayload(ctx.shop, order));
}

/**
 * Input arrays past Shopify's limit fail the whole field before the resolver runs (observed for
 * 500 draft line items: MAX_INPUT_SIZE_EXCEEDED, "The input array size of 500 is greater than the
 * maximum allowed of 499."). The server may check this earlier; this keeps the module honest alone.
 */
export function checkInputSize(field: string, path: string[], size: number, max: number): void {
  if (size > max) {
    throw new GraphQLError(`The input array size of ${size} is greater than the maximum allowed of ${max}.`, {
      path: [field, ...path],
      extensions: { code: "MAX_INPUT_SIZE_EXCEEDED" },
    });
  }
}

export function checkDraftInputSize(field: string, input: DraftOrderInputLike): void {
  checkInputSize(field, ["input", "lineItems"], input.lineItems?.length ?? 0, MAX_DRAFT_LINE_ITEMS);
  checkInputSize(field, ["input", "tags"], input.tags?.length ?? 0, 250);
  checkInputSize(field, ["input", "discountCodes"], input.discountCodes?.length ?? 0, 250);
}

function addressFrom(input: MailingAddressInputLike | null | undefined): MailingAddress | null {
  if (!input) return null;
  return {
    firstName: input.firstName ?? null,
    lastName: input.lastName ?? null,
    company: input.company ?? null,
    address1: input.address1 ?? null,
    address2: input.address2 ?? null,
    city: input.city ?? null,
    provinceCode: input.provinceCode ?? null,
    countryCode: input.countryCode ?? null,
    zip: input.zip ?? null,
    phone: input.phone ?? null,
  };
}

/* ----------------------------------------------------------------------------------------------
 * Draft orders
 * ------------------------------------------------------------------------------------------- */

export function createDraftOrder(ctx: SandboxContext, input: DraftOrderInputLike): Outcome<DraftOrder> {
  const { shop } = ctx;
  const now = ctx.now();
  const result = calculateDraftOrder(shop, input, { now });
  if (!result.ok) return fail(...result.userErrors);
  const draft: DraftOrder = {
    id: newGid(shop, "DraftOrder"),
    name: nextDraftOrderName(shop),
    status: "OPEN",
    input: plain(input) as Record<string, unknown>,
    orderId: null,
    createdAt: now.toISOString(),
    updatedAt: now.toISOString(),
    completedAt: null,
  };
  shop.draftOrders.set(draft.id, draft);
  rememberCalculation(draft, result.calculation);
  ctx.emitWebhook("draft_orders/create", draftOrderPayload(shop, draft));
  return { ok: true, value: draft };
}

/** Fields present in the update replace the draft's; `lineItems` replaces all lines. */
export function updateDraftOrder(
  ctx: SandboxContext,
  id: Gid,
  input: DraftOrderInputLike,
): Outcome<DraftOrder> {
  const { shop } = ctx;
  const draft = shop.draftOrders.get(id);
  if (!draft) return fail({ field: ["id"], message: "Draft order does not exist" });
  if (draft.status === "COMPLETED") {
    return fail({
      field: ["id"],
      message: "This draft order has been completed and can no longer be edited",
    });
  }
  const now = ctx.now();
  const merged = { ...draft.input, ...plain(input) } as DraftOrderInputLike;
  const result = calculateDraftOrder(shop, merged, { now });
  if (!result.ok) {
    // Observed: update reports tag errors one-based under "input".
    return fail(
      ...result.userErrors.map((error) =>
        error.field?.[0] === "tags"
          ? { ...error, field: ["input", "tags", String(Number(error.field[1]) + 1)] }
          : error,
      ),
    );
  }
  draft.input = merged as Record<string, unknown>;
  draft.updatedAt = now.toISOString();
  rememberCalculation(draft, result.calculation);
  ctx.emitWebhook("draft_orders/update", draftOrderPayload(shop, draft));
  return { ok: true, value: draft };
}

export function deleteDraftOrder(ctx: SandboxContext, id: Gid): Outcome<Gid> {
  const { shop } = ctx;
  const draft = shop.draftOrders.get(id);
  if (!draft) return fail({ field: ["id"], message: "Draft order does not exist" });
  shop.draftOrders.delete(id);
  ctx.emitWebhook("draft_orders/delete", { id: Number(numericId(id)) });
  return { ok: true, value: id };
}

export interface CompleteDraftOptions {
  paymentGatewayId?: string | null;
  sourceName?: string | null;
  paymentPending?: boolean | null;
}

/**
 * Turns a draft into an order. By default the order is marked as paid (a manual SALE for the total,
 * as Shopify records it); completing claims inventory whatever the policy (Shopify only warns).
 */
export function completeDraftOrder(
  ctx: SandboxContext,
  id: Gid,
  options: CompleteDraftOptions,
): Outcome<DraftOrder> & { draft?: DraftOrder } {
  const { shop } = ctx;
  const draft = shop.draftOrders.get(id);
  if (!draft) return fail({ field: ["id"], message: "Draft order does not exist" });
  // Observed: completing twice keeps the draft in the payload and says it has been paid.
  if (draft.status === "COMPLETED") {
    return { ...fail({ field: null, message: "This order has been paid" }), draft };
  }
  // The sandbox shop has no payment gateways configured (observed message for an unknown one).
  if (options.paymentGatewayId) {
    return fail({ field: ["paymentGatewayId"], message: "payment_gateway_not_found" });
  }
  const now = ctx.now();
  const result = calculateDraftOrder(shop, draft.input as DraftOrderInputLike, { now });
  if (!result.ok) return fail(...result.userErrors);
  const calculation = result.calculation;
  const input = draft.input as DraftOrderInputLike & {
    note?: string | null;
    customAttributes?: { key: string; value: string }[] | null;
  };
  const transactions: TransactionSpec[] =
    options.paymentPending || calculation.total === 0
      ? []
      : [
          {
            kind: "SALE",
            status: "SUCCESS",
            gateway: "manual",
            amount: calculation.total,
            authorizationCode: null,
            processedAt: null,
            test: false,
          },
        ];
  const order = buildOrder(shop, now, {
    ...specFromCalculation(calculation),
    email: input.email ?? null,
    phone: input.phone ?? null,
    note: input.note ?? null,
    tags: input.tags ?? [],
    customAttributes: input.customAttributes ?? [],
    sourceName: options.sourceName ?? "shopify_draft_order",
    sourceIdentifier: null,
    test: false,
    shippingAddress: addressFrom(input.shippingAddress),
    billingAddress: addressFrom(input.billingAddress),
    processedAt: null,
    transactions,
    financialStatus: options.paymentPending ? "PENDING" : undefined,
    draftOrderId: draft.id,
  });
  for (const line of order.lineItems) adjustInventory(shop, line.variantId, -line.quantity, now);
  draft.status = "COMPLETED";
  draft.orderId = order.id;
  draft.completedAt = now.toISOString();
  draft.updatedAt = now.toISOString();
  emitOrder(ctx, "orders/create", order);
  if (order.displayFinancialStatus === "PAID") emitOrder(ctx, "orders/paid", order);
  ctx.emitWebhook("draft_orders/update", draftOrderPayload(shop, draft));
  return { ok: true, value: draft };
}

function specFromCalculation(
  calculation: Calculation,
): Pick<
  OrderSpec,
  | "presentmentCurrency"
  | "shopMoneyRate"
  | "taxesIncluded"
  | "taxExempt"
  | "lines"
  | "shippingLines"
  | "discountApplications"
  | "discountCodes"
  | "subtotal"
  | "totalDiscounts"
  | "totalShipping"
  | "totalTax"
  | "total"
> {
  return {
    presentmentCurrency: calculation.presentmentCurrency,
    shopMoneyRate: calculation.rate,
    taxesIncluded: calculation.taxesIncluded,
    taxExempt: calculation.taxExempt,
    lines: calculation.lines.map(
      (line): LineSpec => ({
        variantId: line.variantId,
        productId: line.productId,
        title: line.title,
        variantTitle: line.variantTitle,
        sku: line.sku,
        vendor: line.vendor,
        quantity: line.quantity,
        unitPrice: line.unitPrice,
        discountedTotal: line.discountedTotal,
        taxLines: line.taxLines,
        requiresShipping: line.requiresShipping,
        taxable: line.taxable,
        isGiftCard: line.isGiftCard,
        customAttributes: line.customAttributes,
        allocations: line.allocations,
      }),
    ),
    shippingLines: calculation.shippingLine
      ? [
          {
            title: calculation.shippingLine.title,
            code: calculation.shippingLine.code,
            source: calculation.shippingLine.source,
            handle: calculation.shippingLine.handle,
            price: calculation.shippingLine.price,
            discount: calculation.shippingLine.discount,
            taxLines: calculation.shippingLine.taxLines,
          },
        ]
      : [],
    discountApplications: calculation.discountApplications.map(
      (application): DiscountApplicationSpec => ({
        kind: application.kind,
        code: application.code,
        title: application.title,
        valueType: application.valueType,
        value: application.value,
        targetType: application.target,
        amount: application.amount,
      }),
    ),
    discountCodes: calculation.discountCodes,
    subtotal: calculation.subtotal,
    totalDiscounts: calculation.totalDiscounts,
    totalShipping: calculation.totalShipping,
    totalTax: calculation.totalTax,
    total: calculation.total,
  };
}

/* ----------------------------------------------------------------------------------------------
 * orderCreate
 * ------------------------------------------------------------------------------------------- */

interface MoneyInput {
  amount: string;
  currencyCode: string;
}
interface MoneyBagInput {
  shopMoney: MoneyInput;
  presentmentMoney?: MoneyInput | null;
}
interface TaxLineInput {
  title: string;
  rate: string | number | null;
  priceSet?: MoneyBagInput | null;
  channelLiable?: boolean | null;
}

export interface OrderCreateInput {
  lineItems?:
    | {
        variantId?: string | null;
        productId?: string | null;
        title?: string | null;
        variantTitle?: string | null;
        sku?: string | null;
        vendor?: string | null;
        quantity: number;
        priceSet?: MoneyBagInput | null;
        requiresShipping?: boolean | null;
        taxable?: boolean | null;
        giftCard?: boolean | null;
        taxLines?: TaxLineInput[] | null;
        properties?: { name: string; value: string }[] | null;
      }[]
    | null;
  shippingLines?:
    | {
        title: string;
        code?: string | null;
        source?: string | null;
        priceSet: MoneyBagInput;
        taxLines?: TaxLineInput[] | null;
      }[]
    | null;
  taxLines?: TaxLineInput[] | null;
  transactions?:
    | {
        amountSet: MoneyBagInput;
        kind?: string | null;
        status?: string | null;
        gateway?: string | null;
        authorizationCode?: string | null;
        processedAt?: string | null;
        test?: boolean | null;
      }[]
    | null;
  discountCode?: {
    itemPercentageDiscountCode?: { code: string; percentage?: number | null } | null;
    itemFixedDiscountCode?: { code: string; amountSet?: MoneyBagInput | null } | null;
    freeShippingDiscountCode?: { code: string } | null;
  } | null;
  currency?: string | null;
  presentmentCurrency?: string | null;
  email?: string | null;
  phone?: string | null;
  note?: string | null;
  tags?: string[] | null;
  customAttributes?: { key: string; value: string }[] | null;
  sourceName?: string | null;
  sourceIdentifier?: string | null;
  financialStatus?: string | null;
  fulfillmentStatus?: string | null;
  fulfillment?: {
    locationId: string;
    trackingNumber?: string | null;
    trackingCompany?: string | null;
  } | null;
  shippingAddress?: MailingAddressInputLike | null;
  billingAddress?: MailingAddressInputLike | null;
  taxesIncluded?: boolean | null;
  test?: boolean | null;
  processedAt?: string | null;
  closedAt?: string | null;
  name?: string | null;
  customerId?: string | null;
  customer?: {
    toUpsert?: { email?: string | null; phone?: string | null } | null;
    toAssociate?: { id?: string | null; email?: string | null } | null;
  } | null;
}

export interface OrderCreateOptions {
  inventoryBehaviour?: InventoryBehaviour | null;
  sendReceipt?: boolean | null;
  sendFulfillmentReceipt?: boolean | null;
}

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;
const TRANSACTION_KINDS = new Set(["SALE", "AUTHORIZATION"]);

/** Shopify's documented cap for trial and development stores. */
export const DEV_STORE_ORDERS_PER_MINUTE = 5;

export function createOrder(
  ctx: SandboxContext,
  input: OrderCreateInput,
  options: OrderCreateOptions | null | undefined,
): Outcome<Order> {
  const { shop } = ctx;
  const now = ctx.now();
  const errors: CodedUserError[] = [];
  const at = (...path: (string | number)[]) => ["order", ...path.map(String)];

  if (shop.plan.partnerDevelopment) {
    const recent = (shop.orderCreateTimes ?? []).filter((time) => now.getTime() - time < 60_000);
    shop.orderCreateTimes = recent;
    if (recent.length >= DEV_STORE_ORDERS_PER_MINUTE) {
      return fail({ field: null, message: "Too many attempts. Please try again later.", code: null });
    }
  }

  if (input.customerId && input.customer) {
    errors.push({
      field: ["order"],
      message: "Customer id and customer cannot both be provided",
      code: "REDUNDANT_CUSTOMER_FIELDS",
    });
  }
  if (input.processedAt && Date.parse(input.processedAt) > now.getTime()) {
    errors.push({
      field: at("processedAt"),
      message: "Processed at can't be in the future",
      code: "PROCESSED_AT_INVALID",
    });
  }
  if (input.email != null && !EMAIL.test(input.email)) {
    errors.push({ field: at("email"), message: "Email is invalid", code: "INVALID" });
  }
  const currency = input.currency ?? shop.currencyCode;
  const presentmentCurrency = input.presentmentCurrency ?? currency;
  const usesPresentment = presentmentCurrency !== currency;

  /** Presentment minor units from a MoneyBagInput, validating its currencies. */
  const amountOf = (money: MoneyBagInput | null | undefined, path: (string | number)[]): number | null => {
    if (!money) return null;
    if (money.shopMoney.currencyCode !== currency) {
      errors.push({
        field: at(...path, "shopMoney", "currencyCode"),
        message: `Currency must be ${currency}`,
        code: "INVALID",
      });
      return null;
    }
    if (!isDecimal(money.shopMoney.amount)) {
      errors.push({
        field: at(...path, "shopMoney", "amount"),
        message: "Amount is invalid",
        code: "INVALID",
      });
      return null;
    }
    if (!usesPresentment) return toMinor(money.shopMoney.amount, currency);
    if (!money.presentmentMoney || money.presentmentMoney.currencyCode !== presentmentCurrency) {
      errors.push({
        field: at(...path, "presentmentMoney"),
        message: `Presentment money in ${presentmentCurrency} is required`,
        code: "INVALID",
      });
      return null;
    }
    return toMinor(money.presentmentMoney.amount, presentmentCurrency);
  };
  // Shop money per presentment unit, from the first priced line (1 when they are the same).
  let shopMoneyRate = 1;

  const lineInputs = input.lineItems ?? [];
  if (lineInputs.length === 0) {
    // Observed message and path.
    errors.push({
      field: ["order", "lineItems"],
      message: "Line items must have at least one line item",
      code: "INVALID",
    });
  }
  if ((input.taxLines?.length ?? 0) > 0 && lineInputs.some((line) => (line.taxLines?.length ?? 0) > 0)) {
    errors.push({
      field: at("taxLines"),
      message: "Tax lines can be specified on the order or on line items, but not both",
      code: "INVALID",
    });
  }

  const taxLinesOf = (
    taxLines: TaxLineInput[] | null | undefined,
    base: number,
    path: (string | number)[],
  ): { title: string; rate: number; amount: number }[] =>
    (taxLines ?? []).flatMap((tax, index) => {
      const rate = tax.rate === null || tax.rate === "" ? NaN : Number(tax.rate);
      if (Number.isNaN(rate)) {
        errors.push({
          field: at(...path, index, "rate"),
          message: "Rate is missing",
          code: "TAX_LINE_RATE_MISSING",
        });
        return [];
      }
      const amount = tax.priceSet
        ? amountOf(tax.priceSet, [...path, index, "priceSet"])
        : applyRate(base, rate);
      return amount === null ? [] : [{ title: tax.title, rate, amount }];
    });

  const lines: LineSpec[] = [];
  lineInputs.forEach((line, index) => {
    if (line.quantity < 1) {
      errors.push({
        field: at("lineItems", index, "quantity"),
        message: "Quantity must be greater than or equal to 1",
        code: "INVALID",
      });
      return;
    }
    const found = line.variantId ? findVariant(shop, line.variantId) : null;
    if (line.variantId && !found) {
      errors.push({
        field: at("lineItems", index, "variantId"),
        message: "Variant does not exist",
        code: "INVALID",
      });
      return;
    }
    if (!found && !line.title) {
      errors.push({
        field: at("lineItems", index, "title"),
        message: "Title can't be blank",
        code: "INVALID",
      });
      return;
    }
    let unitPrice: number | null;
    if (line.priceSet) {
      unitPrice = amountOf(line.priceSet, ["lineItems", index, "priceSet"]);
      if (unitPrice === null) return;
      if (usesPresentment && lines.length === 0) {
        shopMoneyRate =
          Number(line.priceSet.shopMoney.amount) / Number(line.priceSet.presentmentMoney!.amount) || 1;
      }
    } else if (found && !usesPresentment) {
      unitPrice = toMinor(found.variant.price, currency);
    } else {
      errors.push({
        field: at("lineItems", index, "priceSet"),
        message: "Price can't be blank",
        code: "INVALID",
      });
      return;
    }
    const total = unitPrice * line.quantity;
    lines.push({
      variantId: found?.variant.id ?? null,
      productId: found?.product.id ?? line.productId ?? null,
      title: found?.product.title ?? line.title ?? "",
      variantTitle:
        line.variantTitle ?? (found && found.variant.title !== "Default Title" ? found.variant.title : null),
      sku: line.sku ?? found?.variant.sku ?? null,
      vendor: line.vendor ?? found?.product.vendor ?? null,
      quantity: line.quantity,
      unitPrice,
      discountedTotal: total,
      taxLines: taxLinesOf(line.taxLines, total, ["lineItems", index, "taxLines"]),
      // Schema defaults: requiresShipping false, taxable true (a variant's own settings win).
      requiresShipping: line.requiresShipping ?? found?.variant.inventoryItem.requiresShipping ?? false,
      taxable: line.taxable ?? found?.variant.taxable ?? true,
      isGiftCard: line.giftCard ?? false,
      customAttributes: (line.properties ?? []).map(({ name, value }) => ({ key: name, value })),
      allocations: [],
    });
  });

  const shippingLines: ShippingSpec[] = [];
  (input.shippingLines ?? []).forEach((line, index) => {
    const price = amountOf(line.priceSet, ["shippingLines", index, "priceSet"]);
    if (price === null) return;
    if (price < 0) {
      errors.push({
        field: at("shippingLines", index, "priceSet"),
        message: "Price can't be negative",
        code: "INVALID",
      });
      return;
    }
    shippingLines.push({
      title: line.title,
      code: line.code ?? null,
      source: line.source ?? null,
      handle: null,
      price,
      discount: 0,
      taxLines: taxLinesOf(line.taxLines, price, ["shippingLines", index, "taxLines"]),
    });
  });

  const transactions: TransactionSpec[] = [];
  (input.transactions ?? []).forEach((transaction, index) => {
    const kind = transaction.kind ?? "SALE";
    if (!TRANSACTION_KINDS.has(kind)) {
      errors.push({
        field: at("transactions", index, "kind"),
        message: `Kind ${kind.toLowerCase()} is not a valid transaction kind for a new order`,
        code: "INVALID",
      });
      return;
    }
    const amount = amountOf(transaction.amountSet, ["transactions", index, "amountSet"]);
    if (amount === null) return;
    const status = transaction.status ?? "SUCCESS";
    transactions.push({
      kind: kind as OrderTransaction["kind"],
      status: (status === "AWAITING_RESPONSE"
        ? "PENDING"
        : status === "UNKNOWN"
          ? "ERROR"
          : status) as OrderTransaction["status"],
      gateway: transaction.gateway ?? "manual",
      amount,
      authorizationCode: transaction.authorizationCode ?? null,
      processedAt: transaction.processedAt ?? null,
      test: transaction.test ?? false,
    });
  });

  // One discount code, spread across lines (item codes) or taken off shipping.
  const discountApplications: DiscountApplicationSpec[] = [];
  const discountCodes: string[] = [];
  const code = input.discountCode;
  const kinds = code ? Object.values(code).filter(Boolean).length : 0;
  if (kinds > 1) {
    errors.push({
      field: at("discountCode"),
      message: "Only one discount code can be applied",
      code: "INVALID",
    });
  } else if (code?.itemPercentageDiscountCode || code?.itemFixedDiscountCode) {
    const base = lines.reduce((sum, line) => sum + line.discountedTotal, 0);
    const percentage = code.itemPercentageDiscountCode;
    const wanted = percentage
      ? applyRate(base, (percentage.percentage ?? 0) / 100)
      : (amountOf(code.itemFixedDiscountCode!.amountSet, [
          "discountCode",
          "itemFixedDiscountCode",
          "amountSet",
        ]) ?? 0);
    const amount = Math.min(Math.max(wanted, 0), base);
    const codeValue = (percentage ?? code.itemFixedDiscountCode)!.code;
    discountApplications.push({
      kind: "DISCOUNT_CODE",
      code: codeValue,
      title: codeValue,
      valueType: percentage ? "PERCENTAGE" : "FIXED_AMOUNT",
      value: percentage ? (percentage.percentage ?? 0) : amount,
      targetType: "LINE_ITEM",
      amount,
    });
    discountCodes.push(codeValue);
    allocate(
      amount,
      lines.map((line) => line.discountedTotal),
    ).forEach((part, index) => {
      if (part > 0) lines[index].allocations.push({ application: 0, amount: part });
    });
  } else if (code?.freeShippingDiscountCode) {
    const amount = shippingLines.reduce((sum, line) => sum + line.price, 0);
    shippingLines.forEach((line) => (line.discount = line.price));
    discountApplications.push({
      kind: "DISCOUNT_CODE",
      code: code.freeShippingDiscountCode.code,
      title: code.freeShippingDiscountCode.code,
      valueType: "PERCENTAGE",
      value: 100,
      targetType: "SHIPPING_LINE",
      amount,
    });
    discountCodes.push(code.freeShippingDiscountCode.code);
  }

  // Order-level tax lines are split across the taxable lines.
  if (input.taxLines?.length) {
    const taxable = lines.filter((line) => line.taxable);
    const bases = taxable.map(
      (line) =>
        line.discountedTotal - line.allocations.reduce((sum, allocation) => sum + allocation.amount, 0),
    );
    const orderTaxes = taxLinesOf(
      input.taxLines,
      bases.reduce((sum, base) => sum + base, 0),
      ["taxLines"],
    );
    for (const tax of orderTaxes) {
      allocate(tax.amount, bases).forEach((part, index) =>
        taxable[index].taxLines.push({ title: tax.title, rate: tax.rate, amount: part }),
      );
    }
  }

  const behaviour = options?.inventoryBehaviour ?? "BYPASS";
  if (errors.length === 0 && behaviour === "DECREMENT_OBEYING_POLICY") {
    const shortfalls = inventoryShortfalls(
      shop,
      lines.map((line, index) => ({ variantId: line.variantId, quantity: line.quantity, index })),
    );
    for (const shortfall of shortfalls) {
      errors.push({
        field: at("lineItems", shortfall.index),
        message: `Unable to claim inventory for ${shortfall.title}: ${shortfall.available} available, ${shortfall.wanted} requested`,
        code: "INVENTORY_CLAIM_FAILED",
      });
    }
  }
  if (errors.length > 0) return fail(...errors);

  const taxesIncluded = input.taxesIncluded ?? false;
  const lineSubtotal = lines.reduce((sum, line) => sum + line.discountedTotal, 0);
  const lineDiscounts = discountApplications
    .filter((application) => application.targetType === "LINE_ITEM")
    .reduce((sum, application) => sum + application.amount, 0);
  const shippingDiscount = shippingLines.reduce((sum, line) => sum + line.discount, 0);
  const totalShipping = shippingLines.reduce((sum, line) => sum + line.price, 0);
  const totalTax = [...lines, ...shippingLines]
    .flatMap((line) => line.taxLines)
    .reduce((sum, tax) => sum + tax.amount, 0);
  const subtotal = lineSubtotal - lineDiscounts;
  const email = input.email ?? input.customer?.toUpsert?.email ?? input.customer?.toAssociate?.email ?? null;
  const order = buildOrder(shop, now, {
    presentmentCurrency,
    shopMoneyRate,
    email,
    phone: input.phone ?? input.customer?.toUpsert?.phone ?? null,
    note: input.note ?? null,
    tags: input.tags ?? [],
    customAttributes: (input.customAttributes ?? []).map(({ key, value }) => ({ key, value })),
    sourceName: input.sourceName ?? null,
    sourceIdentifier: input.sourceIdentifier ?? null,
    test: input.test ?? false,
    shippingAddress: addressFrom(input.shippingAddress),
    billingAddress: addressFrom(input.billingAddress),
    taxesIncluded,
    taxExempt: false,
    processedAt: input.processedAt ?? null,
    lines,
    shippingLines,
    discountApplications,
    discountCodes,
    transactions,
    subtotal,
    totalDiscounts: lineDiscounts + shippingDiscount,
    totalShipping,
    totalTax,
    total: subtotal + totalShipping - shippingDiscount + (taxesIncluded ? 0 : totalTax),
    financialStatus: input.financialStatus ? financialStatusFrom(input.financialStatus) : undefined,
  });
  order.currencyCode = currency;
  if (input.name) order.name = input.name;
  if (input.closedAt) {
    order.closed = true;
    order.closedAt = input.closedAt;
  }
  if (behaviour !== "BYPASS") {
    for (const line of order.lineItems) adjustInventory(shop, line.variantId, -line.quantity, now);
  }
  if (shop.plan.partnerDevelopment) (shop.orderCreateTimes ??= []).push(now.getTime());

  emitOrder(ctx, "orders/create", order);
  if (order.displayFinancialStatus === "PAID" && !order.financialStatusUnset)
    emitOrder(ctx, "orders/paid", order);
  if (input.fulfillment || input.fulfillmentStatus === "FULFILLED") {
    fulfillAll(ctx, order, {
      company: input.fulfillment?.trackingCompany ?? null,
      number: input.fulfillment?.trackingNumber ?? null,
      url: null,
    });
  }
  return { ok: true, value: order };
}

function financialStatusFrom(status: string): Order["displayFinancialStatus"] {
  // The store has no EXPIRED; an expired authorization reads like a voided one.
  return (status === "EXPIRED" ? "VOIDED" : status) as Order["displayFinancialStatus"];
}

/* ----------------------------------------------------------------------------------------------
 * Recording payments (orderCreateManualPayment, orderMarkAsPaid)
 * ------------------------------------------------------------------------------------------- */

export interface ManualPaymentInput {
  id: Gid;
  amount?: MoneyInput | null;
  paymentMethodName?: string | null;
  processedAt?: string | null;
}

/**
 * Records an offline payment as a SALE. Observed on 2026-04: passing `amount` needs a Shopify Plus
 * store (ACCESS_DENIED otherwise); without it the outstanding balance is recorded on gateway
 * "manual".
 */
export function createManualPayment(ctx: SandboxContext, input: ManualPaymentInput): Outcome<Order> {
  const { shop } = ctx;
  if (input.amount && !shop.plan.shopifyPlus) {
    const requiredAccess =
      "`write_orders` access scope. Also: The user must have mark_orders_as_paid permission. The API client must be installed on a Shopify Plus store to use the amount field.";
    throw new GraphQLError(
      `Access denied for orderCreateManualPayment field. Required access: ${requiredAccess}`,
      {
        extensions: {
          code: "ACCESS_DENIED",
          documentation: "https://shopify.dev/api/usage/access-scopes",
          requiredAccess,
        },
      },
    );
  }
  const order = shop.orders.get(input.id);
  if (!order) return fail({ field: ["id"], message: "Order does not exist", code: "ORDER_NOT_FOUND" });
  const now = ctx.now();
  if (input.processedAt && Date.parse(input.processedAt) > now.getTime()) {
    return fail({
      field: ["processedAt"],
      message: "Processed at can't be in the future",
      code: "PROCESSED_AT_INVALID",
    });
  }
  const outstanding = orderBalances(order).outstanding;
  const amount = input.amount ? toMinor(input.amount.amount, order.presentmentCurrencyCode) : outstanding;
  if (amount <= 0) {
    return fail({
      field: input.amount ? ["amount"] : ["id"],
      message: "Amount must be positive",
      code: "AMOUNT_NOT_POSITIVE",
    });
  }
  if (amount > outstanding) {
    return fail({
      field: ["amount"],
      message: "Amount exceeds the remaining balance",
      code: "AMOUNT_EXCEEDS_BALANCE",
    });
  }
  recordSale(ctx, order, amount, input.paymentMethodName?.trim() || "manual", input.processedAt ?? null);
  return { ok: true, value: order };
}

/** Pays the outstanding balance: captures an open authorization, else records a manual SALE. */
export function markOrderAsPaid(ctx: SandboxContext, id: Gid): Outcome<Order> {
  const order = ctx.shop.orders.get(id);
  if (!order) return fail({ field: ["id"], message: "Order does not exist" });
  const balances = orderBalances(order);
  if (order.cancelledAt || balances.outstanding <= 0 || order.displayFinancialStatus === "PAID") {
    return fail({ field: ["id"], message: "Order cannot be marked as paid." });
  }
  const authorization = order.transactions.find(
    (transaction) => transaction.kind === "AUTHORIZATION" && transaction.status === "SUCCESS",
  );
  if (authorization && balances.capturable > 0) {
    recordSale(
      ctx,
      order,
      Math.min(balances.capturable, balances.outstanding),
      authorization.gateway,
      null,
      authorization,
    );
  } else {
    recordSale(ctx, order, balances.outstanding, "manual", null);
  }
  return { ok: true, value: order };
}

function recordSale(
  ctx: SandboxContext,
  order: Order,
  amount: number,
  gateway: string,
  processedAt: string | null,
  authorization?: OrderTransaction,
): void {
  const now = ctx.now();
  const wasPaid = order.displayFinancialStatus === "PAID";
  order.transactions.push({
    id: newGid(ctx.shop, "OrderTransaction"),
    kind: authorization ? "CAPTURE" : "SALE",
    status: "SUCCESS",
    gateway,
    amount: orderDecimal(order, amount),
    currencyCode: order.presentmentCurrencyCode,
    authorizationCode: authorization?.authorizationCode ?? null,
    parentId: authorization?.id ?? null,
    processedAt: processedAt ?? now.toISOString(),
    test: order.test ?? false,
  });
  refreshStatuses(order);
  touch(order, now);
  if (!wasPaid && order.displayFinancialStatus === "PAID") emitOrder(ctx, "orders/paid", order);
  emitOrder(ctx, "orders/updated", order);
}

/* ----------------------------------------------------------------------------------------------
 * Cancel
 * ------------------------------------------------------------------------------------------- */

export interface CancelOptions {
  reason: string;
  restock: boolean;
  notifyCustomer?: boolean | null;
  refund?: boolean | null;
  refundMethod?: { originalPaymentMethodsRefund?: boolean | null; storeCreditRefund?: unknown } | null;
  staffNote?: string | null;
}

/** The checks orderCancel makes before queuing its job (messages observed on 2026-04). */
export function validateCancel(shop: ShopState, orderId: Gid, options: CancelOptions): CodedUserError[] {
  const order = shop.orders.get(orderId);
  if (!order) return [{ field: ["orderId"], message: "Order does not exist", code: "NOT_FOUND" }];
  if ((options.staffNote?.length ?? 0) > 255) {
    return [
      {
        field: ["staffNote"],
        message: "Staff note is too long. Maximum length is 255 characters.",
        code: "INVALID",
      },
    ];
  }
  if (options.refund != null && options.refundMethod) {
    return [
      {
        field: ["refund"],
        message: "Only one of the arguments `refund` or `refund_method` is allowed.",
        code: "INVALID",
      },
    ];
  }
  if (options.refundMethod?.storeCreditRefund) {
    return [
      {
        field: ["refundMethod", "storeCreditRefund"],
        message: "Store credit refunds require a customer on the order",
        code: "STORE_CREDIT_REFUND_MISSING_CUSTOMER",
      },
    ];
  }
  if (order.cancelledAt) {
    return [
      {
        field: ["orderId"],
        message: "Cannot cancel an order that has already been canceled",
        code: "INVALID",
      },
    ];
  }
  if (order.fulfillments.some((fulfillment) => fulfillment.status === "SUCCESS")) {
    return [
      {
        field: ["orderId"],
        message: "Cannot cancel an order with fulfillments. Cancel the fulfillments first.",
        code: "INVALID",
      },
    ];
  }
  if (order.transactions.some((transaction) => transaction.status === "PENDING")) {
    return [{ field: ["orderId"], message: "Cannot cancel an order with pending payments", code: "INVALID" }];
  }
  return [];
}

/** Validates, then queues the cancellation as a Job (orderCancel is asynchronous on Shopify). */
export function cancelOrderAsync(ctx: SandboxContext, orderId: Gid, options: CancelOptions) {
  const userErrors = validateCancel(ctx.shop, orderId, options);
  if (userErrors.length > 0) return { job: null, userErrors };
  const job = enqueueJob(ctx.shop, ctx.now(), () => performCancel(ctx, orderId, options));
  return { job, userErrors };
}

/** The cancellation itself: what the job does once it runs. */
export function performCancel(ctx: SandboxContext, orderId: Gid, options: CancelOptions): void {
  const { shop } = ctx;
  const order = shop.orders.get(orderId);
  if (!order || order.cancelledAt) return;
  const now = ctx.now();
  const stamp = now.toISOString();
  const refunding = options.refund === true || options.refundMethod?.originalPaymentMethodsRefund === true;
  // An authorization that was never captured is released whatever the refund choice.
  const balances = orderBalances(order);
  if (balances.capturable > 0) {
    for (const authorization of order.transactions.filter(
      (transaction) => transaction.kind === "AUTHORIZATION" && transaction.status === "SUCCESS",
    )) {
      order.transactions.push({
        id: newGid(shop, "OrderTransaction"),
        kind: "VOID",
        status: "SUCCESS",
        gateway: authorization.gateway,
        amount: "0.00",
        currencyCode: order.presentmentCurrencyCode,
        authorizationCode: null,
        parentId: authorization.id,
        processedAt: stamp,
        test: authorization.test,
      });
    }
  }
  let refund: Refund | null = null;
  if (refunding) {
    const lines = order.lineItems
      .filter((line) => line.currentQuantity > 0)
      .map((line) => ({
        lineItemId: line.id,
        quantity: line.currentQuantity,
        restockType: options.restock ? "CANCEL" : "NO_RESTOCK",
      }));
    const paid = refundableByParent(order);
    const result = applyRefund(ctx, order, {
      note: null,
      lines,
      shipping: remainingShipping(order),
      transactions: paid.map(({ parent, amount }) => ({ parent, amount })),
      restockLocationId: null,
    });
    refund = result;
  } else if (options.restock) {
    for (const line of order.lineItems) {
      const unfulfilled = Math.max(0, line.currentQuantity - line.fulfilledQuantity);
      adjustInventory(shop, line.variantId, unfulfilled, now);
    }
  }
  order.cancelledAt = stamp;
  order.cancelReason = options.reason;
  order.cancelStaffNote = options.staffNote ?? null;
  for (const fo of fulfillmentOrdersOf(order)) {
    fo.status = "CLOSED";
    fo.updatedAt = stamp;
  }
  refreshStatuses(order);
  // Observed: an unpaid cancelled order is archived; a paid one stays open until refunded.
  if (orderBalances(order).netPayment <= 0) {
    order.closed = true;
    order.closedAt = stamp;
  }
  touch(order, now);
  if (refund) ctx.emitWebhook("refunds/create", refundPayload(shop, order, refund));
  emitOrder(ctx, "orders/cancelled", order);
  emitOrder(ctx, "orders/updated", order);
}

function refundableByParent(order: Order): { parent: OrderTransaction; amount: number }[] {
  return order.transactions
    .filter(
      (transaction) =>
        transaction.status === "SUCCESS" && (transaction.kind === "SALE" || transaction.kind === "CAPTURE"),
    )
    .map((parent) => {
      const refunded = order.transactions
        .filter((transaction) => transaction.parentId === parent.id && transaction.kind === "REFUND")
        .filter((transaction) => transaction.status === "SUCCESS")
        .reduce((sum, transaction) => sum + orderMinor(order, transaction.amount), 0);
      return { parent, amount: orderMinor(order, parent.amount) - refunded };
    })
    .filter(({ amount }) => amount > 0);
}

function remainingShipping(order: Order): number {
  const shipping = order.shippingLines.reduce(
    (sum, line) => sum + orderMinor(order, line.discountedPrice ?? line.price),
    0,
  );
  return shipping - orderBalances(order).refundedShipping;
}

/* ----------------------------------------------------------------------------------------------
 * Refunds
 * ------------------------------------------------------------------------------------------- */

export interface RefundInput {
  orderId: Gid;
  note?: string | null;
  notify?: boolean | null;
  currency?: string | null;
  shipping?: { fullRefund?: boolean | null; shippingRefundAmount?: MoneyInput | null } | null;
  refundLineItems?:
    | { lineItemId: Gid; quantity: number; restockType?: string | null; locationId?: Gid | null }[]
    | null;
  transactions?:
    | { amount: string; gateway: string; kind: string; orderId: Gid; parentId?: Gid | null }[]
    | null;
  allowOverRefunding?: boolean | null;
  processedAt?: string | null;
}

interface RefundPlan {
  note: string | null;
  lines: { lineItemId: Gid; quantity: number; restockType: string }[];
  shipping: number;
  transactions: { parent: OrderTransaction; amount: number; kind?: "REFUND" | "VOID" }[];
  restockLocationId: Gid | null;
}

export function createRefund(
  ctx: SandboxContext,
  input: RefundInput,
): Outcome<{ order: Order; refund: Refund }> & {
  order?: Order | null;
} {
  const { shop } = ctx;
  const order = shop.orders.get(input.orderId);
  // Observed message.
  if (!order) return { ...fail({ field: ["orderId"], message: "Order does not exist" }), order: null };
  const withOrder = (...errors: CodedUserError[]) => ({
    ...fail<{ order: Order; refund: Refund }>(...errors),
    order,
  });

  if (
    order.presentmentCurrencyCode !== order.currencyCode &&
    input.currency !== order.presentmentCurrencyCode
  ) {
    return withOrder({
      field: ["currency"],
      message: `Currency must be the order's presentment currency (${order.presentmentCurrencyCode})`,
    });
  }

  const lines: RefundPlan["lines"] = [];
  const seen = new Map<Gid, number>();
  for (const [index, entry] of (input.refundLineItems ?? []).entries()) {
    const line = order.lineItems.find((candidate) => candidate.id === entry.lineItemId);
    if (!line) {
      return withOrder({
        field: ["refundLineItems", String(index), "lineItemId"],
        message: "Line item does not exist",
      });
    }
    const restockType = entry.restockType ?? "NO_RESTOCK";
    if (restockType === "LEGACY_RESTOCK") {
      return withOrder({
        field: ["refundLineItems", String(index), "restockType"],
        message: "Restock type legacy_restock is not accepted for new refunds",
      });
    }
    const total = (seen.get(line.id) ?? 0) + entry.quantity;
    seen.set(line.id, total);
    // Observed message and path.
    if (entry.quantity < 1 || total > line.currentQuantity) {
      return withOrder({
        field: ["refundLineItems", String(index), "quantity"],
        message: "Quantity cannot refund more items than were purchased",
      });
    }
    lines.push({ lineItemId: line.id, quantity: entry.quantity, restockType });
  }

  let shipping = 0;
  if (input.shipping?.shippingRefundAmount) {
    shipping = toMinor(input.shipping.shippingRefundAmount.amount, order.presentmentCurrencyCode);
  } else if (input.shipping?.fullRefund) {
    shipping = remainingShipping(order);
  }
  if (shipping > remainingShipping(order)) {
    return withOrder({
      field: ["shipping", "shippingRefundAmount"],
      message: "Shipping refund amount is greater than the refundable shipping amount",
    });
  }

  const transactions: RefundPlan["transactions"] = [];
  for (const transaction of input.transactions ?? []) {
    // Observed: a non-refund kind fails without a field.
    if (transaction.kind !== "REFUND" && transaction.kind !== "VOID") {
      return withOrder({
        field: null,
        message: `Kind ${transaction.kind.toLowerCase()} is not a valid transaction`,
      });
    }
    const parent = transaction.parentId
      ? order.transactions.find((candidate) => candidate.id === transaction.parentId)
      : refundableByParent(order).find(({ parent: candidate }) => candidate.gateway === transaction.gateway)
          ?.parent;
    if (!parent || transaction.orderId !== order.id) {
      // Observed message and field.
      return withOrder({
        field: ["transactions"],
        message: "Transactions require a parent_id associated with the order",
      });
    }
    if (!isDecimal(transaction.amount))
      return withOrder({ field: ["transactions"], message: "Amount is invalid" });
    transactions.push({
      parent,
      amount: toMinor(transaction.amount, order.presentmentCurrencyCode),
      kind: transaction.kind,
    });
  }
  const requested = transactions
    .filter((transaction) => transaction.kind !== "VOID")
    .reduce((sum, transaction) => sum + transaction.amount, 0);
  const net = orderBalances(order).netPayment;
  // Observed: refused even with allowOverRefunding for a manual payment.
  if (requested > net) {
    const currency = order.presentmentCurrencyCode;
    return withOrder({
      field: null,
      message: `Refund amount ${formatWithSymbol(requested, currency)} is greater than net payment received ${formatWithSymbol(net, currency)}`,
    });
  }
  const refund = applyRefund(ctx, order, {
    note: input.note ?? null,
    lines,
    shipping,
    transactions,
    restockLocationId: input.refundLineItems?.find((entry) => entry.locationId)?.locationId ?? null,
  });
  ctx.emitWebhook("refunds/create", refundPayload(shop, order, refund));
  emitOrder(ctx, "orders/updated", order);
  return { ok: true, value: { order, refund } };
}

/**
 * Records a refund: REFUND transactions against their parents (for manual and external gateways
 * Shopify only records them; no money moves), fewer current units, restock, closed fulfillment
 * orders once nothing is left to ship, and re-derived statuses.
 */
function applyRefund(ctx: SandboxContext, order: Order, plan: RefundPlan): Refund {
  const { shop } = ctx;
  const now = ctx.now();
  const stamp = now.toISOString();
  const transactionIds: Gid[] = [];
  let amount = 0;
  for (const { parent, amount: value, kind } of plan.transactions) {
    const id = newGid(shop, "OrderTransaction");
    transactionIds.push(id);
    if (kind !== "VOID") amount += value;
    order.transactions.push({
      id,
      kind: kind ?? "REFUND",
      status: "SUCCESS",
      // Observed: the refund takes the parent's gateway whatever the input said.
      gateway: parent.gateway,
      amount: orderDecimal(order, value),
      currencyCode: order.presentmentCurrencyCode,
      authorizationCode: null,
      parentId: parent.id,
      processedAt: stamp,
      test: parent.test,
    });
  }
  for (const entry of plan.lines) {
    const line = order.lineItems.find((candidate) => candidate.id === entry.lineItemId)!;
    const unfulfilled = Math.max(0, line.currentQuantity - line.fulfilledQuantity);
    line.currentQuantity -= entry.quantity;
    // Refunded units that were never shipped leave the fulfillment orders.
    let toRemove = Math.min(entry.quantity, unfulfilled);
    for (const fo of fulfillmentOrdersOf(order)) {
      for (const item of fo.lineItems.filter((candidate) => candidate.lineItemId === line.id)) {
        const removed = Math.min(toRemove, item.remainingQuantity);
        item.remainingQuantity -= removed;
        item.totalQuantity -= removed;
        toRemove -= removed;
      }
      closeIfDone(fo, stamp);
    }
    if (entry.restockType !== "NO_RESTOCK") adjustInventory(shop, line.variantId, entry.quantity, now);
  }
  const refund: Refund = {
    id: newGid(shop, "Refund"),
    createdAt: stamp,
    note: plan.note,
    amount: orderDecimal(order, amount),
    currencyCode: order.presentmentCurrencyCode,
    lineItems: plan.lines,
    transactionIds,
    shippingAmount: orderDecimal(order, plan.shipping),
  };
  order.refunds.push(refund);
  refreshStatuses(order);
  touch(order, now);
  return refund;
}

function closeIfDone(fo: FulfillmentOrder, stamp: string): void {
  if (fo.lineItems.every((item) => item.remainingQuantity === 0) && fo.status !== "CLOSED") {
    fo.status = "CLOSED";
    fo.updatedAt = stamp;
  }
}

/* ----------------------------------------------------------------------------------------------
 * Fulfillment
 * ------------------------------------------------------------------------------------------- */

export interface TrackingInput {
  number?: string | null;
  url?: string | null;
  company?: string | null;
  numbers?: string[] | null;
  urls?: string[] | null;
}

export interface FulfillmentInput {
  lineItemsByFulfillmentOrder: {
    fulfillmentOrderId: Gid;
    fulfillmentOrderLineItems?: { id: Gid; quantity: number }[] | null;
  }[];
  trackingInfo?: TrackingInput | null;
  notifyCustomer?: boolean | null;
}

export function findFulfillmentOrder(
  shop: ShopState,
  id: Gid,
): { order: Order; fo: FulfillmentOrder } | null {
  for (const order of shop.orders.values()) {
    const fo = fulfillmentOrdersOf(order).find((candidate) => candidate.id === id);
    if (fo) return { order, fo };
  }
  return null;
}

export function findFulfillment(shop: ShopState, id: Gid): { order: Order; fulfillment: Fulfillment } | null {
  for (const order of shop.orders.values()) {
    const fulfillment = order.fulfillments.find((candidate) => candidate.id === id);
    if (fulfillment) return { order, fulfillment };
  }
  return null;
}

export function createFulfillment(
  ctx: SandboxContext,
  input: FulfillmentInput,
): Outcome<Fulfillment> & { order?: Order } {
  const { shop } = ctx;
  const groups = input.lineItemsByFulfillmentOrder.map((group) => ({
    group,
    found: findFulfillmentOrder(shop, group.fulfillmentOrderId),
  }));
  // Observed: an unknown fulfillment order is a top-level RESOURCE_NOT_FOUND error, not a user error.
  if (groups.length === 0 || groups.some(({ found }) => !found)) {
    throw new GraphQLError("invalid id", { extensions: { code: "RESOURCE_NOT_FOUND" } });
  }
  const order = groups[0].found!.order;
  if (groups.some(({ found }) => found!.order !== order)) {
    return fail({ field: ["fulfillment"], message: "All fulfillment orders must belong to the same order." });
  }
  const picks: { item: FulfillmentOrder["lineItems"][number]; quantity: number; fo: FulfillmentOrder }[] = [];
  for (const { group, found } of groups) {
    const fo = found!.fo;
    if (fo.status === "CLOSED" || fo.status === "CANCELLED" || fo.status === "ON_HOLD") {
      // Observed message.
      return fail({
        field: ["fulfillment"],
        message: `Fulfillment order ${numericId(fo.id)} has an unfulfillable status= ${fo.status.toLowerCase()}.`,
      });
    }
    const requested = group.fulfillmentOrderLineItems?.length
      ? group.fulfillmentOrderLineItems
      : fo.lineItems
          .filter((item) => item.remainingQuantity > 0)
          .map((item) => ({ id: item.id, quantity: item.remainingQuantity }));
    for (const entry of requested) {
      const item = fo.lineItems.find((candidate) => candidate.id === entry.id);
      if (!item || entry.quantity < 1 || entry.quantity > item.remainingQuantity) {
        // Observed message.
        return fail({
          field: ["fulfillment"],
          message: "Invalid fulfillment order line item quantity requested.",
        });
      }
      picks.push({ item, quantity: entry.quantity, fo });
    }
  }
  const tracking = input.trackingInfo ?? {};
  const fulfillment = recordFulfillment(ctx, order, picks, {
    company: tracking.company ?? null,
    number: tracking.number ?? tracking.numbers?.[0] ?? null,
    url: tracking.url ?? tracking.urls?.[0] ?? null,
  });
  return { ok: true, value: fulfillment, order };
}

function recordFulfillment(
  ctx: SandboxContext,
  order: Order,
  picks: { item: FulfillmentOrder["lineItems"][number]; quantity: number; fo: FulfillmentOrder }[],
  tracking: { company: string | null; number: string | null; url: string | null },
): Fulfillment {
  const { shop } = ctx;
  const now = ctx.now();
  const stamp = now.toISOString();
  const byLine = new Map<Gid, number>();
  for (const { item, quantity, fo } of picks) {
    item.remainingQuantity -= quantity;
    fo.updatedAt = stamp;
    byLine.set(item.lineItemId, (byLine.get(item.lineItemId) ?? 0) + quantity);
  }
  const fos = [...new Set(picks.map((pick) => pick.fo))];
  for (const fo of fos) {
    if (fo.lineItems.every((item) => item.remainingQuantity === 0)) fo.status = "CLOSED";
    else fo.status = "IN_PROGRESS";
  }
  for (const [lineItemId, quantity] of byLine) {
    const line = order.lineItems.find((candidate) => candidate.id === lineItemId)!;
    line.fulfilledQuantity += quantity;
  }
  const fulfillment: Fulfillment = {
    id: newGid(shop, "Fulfillment"),
    status: "SUCCESS",
    trackingCompany: tracking.company,
    trackingNumber: tracking.number,
    trackingUrl: tracking.url,
    lineItems: [...byLine].map(([lineItemId, quantity]) => ({ lineItemId, quantity })),
    events: [],
    createdAt: stamp,
    updatedAt: stamp,
    deliveredAt: null,
    estimatedDeliveryAt: null,
    name: `${order.name}.${order.fulfillments.length + 1}`,
    locationId: fos[0]?.locationId ?? null,
    fulfillmentOrderIds: fos.map((fo) => fo.id),
  };
  order.fulfillments.push(fulfillment);
  refreshStatuses(order);
  // Observed: a paid order is archived once fully fulfilled (the "auto-archive" store default).
  if (
    order.displayFulfillmentStatus === "FULFILLED" &&
    order.displayFinancialStatus === "PAID" &&
    !order.closed
  ) {
    order.closed = true;
    order.closedAt = stamp;
  }
  touch(order, now);
  ctx.emitWebhook("fulfillments/create", fulfillmentPayload(shop, order, fulfillment));
  emitOrder(
    ctx,
    order.displayFulfillmentStatus === "FULFILLED" ? "orders/fulfilled" : "orders/partially_fulfilled",
    order,
  );
  emitOrder(ctx, "orders/updated", order);
  return fulfillment;
}

/** Fulfills everything still open on the order (merchant "Fulfill items" in the admin). */
export function fulfillAll(
  ctx: SandboxContext,
  order: Order,
  tracking: { company: string | null; number: string | null; url: string | null },
): Fulfillment | null {
  const picks = fulfillmentOrdersOf(order)
    .filter((fo) => fo.status === "OPEN" || fo.status === "IN_PROGRESS")
    .flatMap((fo) =>
      fo.lineItems
        .filter((item) => item.remainingQuantity > 0)
        .map((item) => ({ item, quantity: item.remainingQuantity, fo })),
    );
  return picks.length > 0 ? recordFulfillment(ctx, order, picks, tracking) : null;
}

export function updateTracking(
  ctx: SandboxContext,
  fulfillmentId: Gid,
  tracking: TrackingInput,
): Outcome<Fulfillment> {
  const found = findFulfillment(ctx.shop, fulfillmentId);
  // Observed message and field.
  if (!found) return fail({ field: ["fulfillmentId"], message: "Fulfillment does not exist." });
  const { order, fulfillment } = found;
  fulfillment.trackingCompany = tracking.company ?? fulfillment.trackingCompany;
  fulfillment.trackingNumber = tracking.number ?? tracking.numbers?.[0] ?? fulfillment.trackingNumber;
  fulfillment.trackingUrl = tracking.url ?? tracking.urls?.[0] ?? fulfillment.trackingUrl;
  fulfillment.updatedAt = ctx.now().toISOString();
  touch(order, ctx.now());
  ctx.emitWebhook("fulfillments/update", fulfillmentPayload(ctx.shop, order, fulfillment));
  return { ok: true, value: fulfillment };
}

export interface FulfillmentEventInput {
  fulfillmentId: Gid;
  status: string;
  message?: string | null;
  happenedAt?: string | null;
  estimatedDeliveryAt?: string | null;
  city?: string | null;
  province?: string | null;
  country?: string | null;
  zip?: string | null;
  address1?: string | null;
}

export function createFulfillmentEvent(
  ctx: SandboxContext,
  input: FulfillmentEventInput,
): Outcome<{ order: Order; fulfillment: Fulfillment; event: Fulfillment["events"][number] }> {
  const found = findFulfillment(ctx.shop, input.fulfillmentId);
  if (!found)
    return fail({ field: ["fulfillmentEvent", "fulfillmentId"], message: "Fulfillment does not exist." });
  const { order, fulfillment } = found;
  const now = ctx.now();
  const event = {
    id: newGid(ctx.shop, "FulfillmentEvent"),
    status: input.status,
    happenedAt: input.happenedAt ?? now.toISOString(),
    message: input.message ?? null,
  };
  fulfillment.events.push(event);
  if (input.estimatedDeliveryAt) fulfillment.estimatedDeliveryAt = input.estimatedDeliveryAt;
  if (input.status === "DELIVERED") fulfillment.deliveredAt = event.happenedAt;
  fulfillment.updatedAt = now.toISOString();
  touch(order, now);
  ctx.emitWebhook("fulfillment_events/create", {
    id: Number(numericId(event.id)),
    admin_graphql_api_id: event.id,
    fulfillment_id: Number(numericId(fulfillment.id)),
    order_id: Number(order.legacyResourceId),
    shop_id: Number(numericId(ctx.shop.id)),
    status: event.status.toLowerCase(),
    message: event.message,
    happened_at: shopTime(ctx.shop, event.happenedAt),
    estimated_delivery_at: shopTime(ctx.shop, fulfillment.estimatedDeliveryAt),
    city: input.city ?? null,
    province: input.province ?? null,
    country: input.country ?? null,
    zip: input.zip ?? null,
    address1: input.address1 ?? null,
    latitude: null,
    longitude: null,
    created_at: shopTime(ctx.shop, now.toISOString()),
    updated_at: shopTime(ctx.shop, now.toISOString()),
  });
  ctx.emitWebhook("fulfillments/update", fulfillmentPayload(ctx.shop, order, fulfillment));
  return { ok: true, value: { order, fulfillment, event } };
}

export { refundableByParent, remainingShipping };
