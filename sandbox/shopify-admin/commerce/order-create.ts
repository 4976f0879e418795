/** orderCreate: an order from the app's own totals, validated and recorded like Shopify does. */
import type { SandboxContext } from "../resolvers/types";
import { findVariant, type Order, type OrderTransaction } from "../store";
import { allocate, applyRate, isDecimal, toMinor } from "./money";
import {
  adjustInventory,
  buildOrder,
  inventoryShortfalls,
  type DiscountApplicationSpec,
  type InventoryBehaviour,
  type LineSpec,
  type ShippingSpec,
  type TransactionSpec,
} from "./orders";
import type { MailingAddressInputLike } from "./pricing";
import { fulfillAll } from "./fulfillments";
import { type CodedUserError, type MoneyInput, type Outcome, addressFrom, emitOrder, fail } from "./outcome";

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
