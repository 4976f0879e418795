/**
 * The draft-order calculator: what `draftOrderCalculate` (and every draft read) returns for a
 * `DraftOrderInput`. Pure: reads the shop, never writes it. All money is integer minor units of the
 * presentment currency; shop-currency amounts are derived at the edge with `rate`.
 *
 * Order of operations (Shopify's): line prices → line-level discounts → order-level discounts
 * allocated across lines → shipping rates (price conditions see the discounted subtotal) → shipping
 * discounts → taxes per line and per shipping line, rounded per line → totals.
 */
import { availableQuantity, findVariant, numericId, type DiscountCode, type ShopState } from "../store";
import { allocate, applyRate, convertMinor, formatMoney, includedTax, isDecimal, toMinor } from "./money";

export interface MoneyInputLike {
  amount: string;
  currencyCode: string;
}

export interface AppliedDiscountInputLike {
  title?: string | null;
  description?: string | null;
  value: number;
  valueType: "FIXED_AMOUNT" | "PERCENTAGE";
  amount?: string | null;
  amountWithCurrency?: MoneyInputLike | null;
}

export interface MailingAddressInputLike {
  firstName?: string | null;
  lastName?: string | null;
  company?: string | null;
  address1?: string | null;
  address2?: string | null;
  city?: string | null;
  provinceCode?: string | null;
  province?: string | null;
  countryCode?: string | null;
  country?: string | null;
  zip?: string | null;
  phone?: string | null;
}

export interface DraftLineItemInputLike {
  variantId?: string | null;
  quantity: number;
  title?: string | null;
  sku?: string | null;
  taxable?: boolean | null;
  requiresShipping?: boolean | null;
  originalUnitPrice?: string | null;
  originalUnitPriceWithCurrency?: MoneyInputLike | null;
  priceOverride?: MoneyInputLike | null;
  appliedDiscount?: AppliedDiscountInputLike | null;
  customAttributes?: { key: string; value: string }[] | null;
  uuid?: string | null;
  weight?: { value: number; unit: string } | null;
}

/** The subset of `DraftOrderInput` the calculator reads (the schema has validated the shapes). */
export interface DraftOrderInputLike {
  lineItems?: DraftLineItemInputLike[] | null;
  email?: string | null;
  phone?: string | null;
  shippingAddress?: MailingAddressInputLike | null;
  billingAddress?: MailingAddressInputLike | null;
  shippingLine?: {
    shippingRateHandle?: string | null;
    title?: string | null;
    price?: string | null;
    priceWithCurrency?: MoneyInputLike | null;
  } | null;
  discountCodes?: string[] | null;
  acceptAutomaticDiscounts?: boolean | null;
  appliedDiscount?: AppliedDiscountInputLike | null;
  presentmentCurrencyCode?: string | null;
  taxExempt?: boolean | null;
  tags?: string[] | null;
  reserveInventoryUntil?: string | null;
  paymentTerms?: { paymentTermsTemplateId?: string | null } | null;
  [key: string]: unknown;
}

export interface UserErrorLike {
  field: string[] | null;
  message: string;
}

export interface TaxLineCalc {
  title: string;
  rate: number;
  amount: number;
}

export interface AppliedDiscountCalc {
  title: string | null;
  description: string;
  value: number;
  valueType: "FIXED_AMOUNT" | "PERCENTAGE";
  amount: number;
}

export interface CalcLine {
  index: number;
  uuid: string;
  variantId: string | null;
  productId: string | null;
  custom: boolean;
  title: string;
  variantTitle: string | null;
  sku: string | null;
  vendor: string | null;
  quantity: number;
  requiresShipping: boolean;
  taxable: boolean;
  isGiftCard: boolean;
  grams: number;
  customAttributes: { key: string; value: string }[];
  unitPrice: number;
  originalTotal: number;
  /** Line-level custom discount (`lineItems[].appliedDiscount`). */
  appliedDiscount: AppliedDiscountCalc | null;
  /** After line-level discounts: Shopify's `discountedTotalSet` excludes order-level discounts. */
  discountedTotal: number;
  /** Order-level discount allocations, by index into `Calculation.discountApplications`. */
  allocations: { application: number; amount: number }[];
  taxLines: TaxLineCalc[];
  priceOverride: number | null;
}

export interface DiscountApplicationCalc {
  kind: "DISCOUNT_CODE" | "AUTOMATIC" | "MANUAL";
  code: string | null;
  title: string;
  valueType: "FIXED_AMOUNT" | "PERCENTAGE";
  /** Percent, or an amount in the presentment currency's minor units. */
  value: number;
  target: "LINE_ITEM" | "SHIPPING_LINE";
  amount: number;
}

export interface ShippingRateCalc {
  handle: string;
  title: string;
  price: number;
  minDeliveryDays: number;
  maxDeliveryDays: number;
}

export interface ShippingLineCalc {
  title: string;
  handle: string | null;
  code: string;
  custom: boolean;
  source: string;
  price: number;
  discount: number;
  taxLines: TaxLineCalc[];
}

export interface DraftWarningCalc {
  __typename: "DraftOrderDiscountNotAppliedWarning";
  errorCode: string;
  field: string;
  message: string;
  discountCode: string | null;
  discountTitle: string | null;
}

export interface AlertCalc {
  title: string;
  content: string;
  severity: "WARNING";
}

export interface Calculation {
  shopCurrency: string;
  presentmentCurrency: string;
  /** Shop-currency units per presentment unit (1 when they are the same currency). */
  rate: number;
  taxesIncluded: boolean;
  taxExempt: boolean;
  lines: CalcLine[];
  discountApplications: DiscountApplicationCalc[];
  appliedDiscount: AppliedDiscountCalc | null;
  discountCodes: string[];
  availableShippingRates: ShippingRateCalc[];
  shippingLine: ShippingLineCalc | null;
  taxLines: TaxLineCalc[];
  totalLineItemsPrice: number;
  lineItemsSubtotal: number;
  orderDiscounts: number;
  subtotal: number;
  totalShipping: number;
  shippingDiscount: number;
  totalDiscounts: number;
  totalTax: number;
  total: number;
  warnings: DraftWarningCalc[];
  alerts: AlertCalc[];
}

export type CalculationResult =
  | { ok: true; calculation: Calculation }
  | { ok: false; userErrors: UserErrorLike[] };

export interface CalculateOptions {
  /** For `reserveInventoryUntil` validation. */
  now?: Date;
}

/** Shopify's documented maximum for `DraftOrderInput.lineItems` (observed 2026-04: 499). */
export const MAX_DRAFT_LINE_ITEMS = 499;

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export function calculateDraftOrder(
  shop: ShopState,
  input: DraftOrderInputLike,
  options: CalculateOptions = {},
): CalculationResult {
  const userErrors: UserErrorLike[] = [];
  const shopCurrency = shop.currencyCode;
  const presentmentCurrency = input.presentmentCurrencyCode ?? shopCurrency;
  const address = input.shippingAddress ?? null;
  const market = marketFor(shop, presentmentCurrency, address?.countryCode ?? null);
  if (presentmentCurrency !== shopCurrency && !market) {
    userErrors.push({
      field: ["presentmentCurrencyCode"],
      message: `Presentment currency ${presentmentCurrency} is not enabled for this shop`,
    });
    return { ok: false, userErrors };
  }
  /** Presentment units per shop unit. */
  const conversion = presentmentCurrency === shopCurrency ? 1 : market!.conversionRate;
  const toPresentment = (shopMinor: number) =>
    convertMinor(shopMinor, shopCurrency, presentmentCurrency, conversion);
  const toShop = (presentmentMinor: number) =>
    convertMinor(presentmentMinor, presentmentCurrency, shopCurrency, 1 / conversion);
  const shopDecimalToPresentment = (value: number) => toPresentment(toMinor(String(value), shopCurrency));
  const moneyToPresentment = (money: MoneyInputLike): number => {
    const minor = toMinor(money.amount, money.currencyCode);
    if (money.currencyCode === presentmentCurrency) return minor;
    if (money.currencyCode === shopCurrency) return toPresentment(minor);
    const other = shop.markets.find((candidate) => candidate.currencyCode === money.currencyCode);
    const shopMinor = other
      ? convertMinor(minor, money.currencyCode, shopCurrency, 1 / other.conversionRate)
      : minor;
    return toPresentment(shopMinor);
  };

  if (input.email != null && !EMAIL.test(input.email)) {
    userErrors.push({ field: ["email"], message: "Email is invalid" });
  }
  (input.tags ?? []).forEach((tag, index) => {
    if (tag.length > 40) {
      userErrors.push({
        field: ["tags", String(index)],
        message: "Title Tag exceeds the maximum length of 40 characters",
      });
    }
  });
  if (
    input.reserveInventoryUntil &&
    options.now &&
    Date.parse(input.reserveInventoryUntil) < options.now.getTime()
  ) {
    userErrors.push({ field: null, message: "Reserve until can't be in the past" });
  }
  if (input.paymentTerms && !input.paymentTerms.paymentTermsTemplateId) {
    userErrors.push({ field: null, message: "Payment terms template id can not be empty." });
  }

  const lineInputs = input.lineItems ?? [];
  if (lineInputs.length === 0) {
    userErrors.push({ field: null, message: "Add at least 1 product" });
  }

  const lines: CalcLine[] = [];
  const alerts: AlertCalc[] = [];
  const requested = new Map<string, number>();
  lineInputs.forEach((lineInput, index) => {
    if (lineInput.quantity < 1) {
      userErrors.push({
        field: ["lineItems", String(index), "quantity"],
        message: "Quantity must be greater than or equal to 1",
      });
      return;
    }
    const uuid = lineInput.uuid ?? `line-${index + 1}`;
    const customAttributes = (lineInput.customAttributes ?? []).map(({ key, value }) => ({ key, value }));
    const priceOverride = lineInput.priceOverride ? moneyToPresentment(lineInput.priceOverride) : null;
    if (lineInput.variantId) {
      const found = findVariant(shop, lineInput.variantId);
      // Shopify reports unknown and unsellable (draft/archived) variants the same way.
      if (!found || found.product.status !== "ACTIVE") {
        userErrors.push({
          field: null,
          message: `Product with ID ${numericId(lineInput.variantId)} is no longer available.`,
        });
        return;
      }
      const { product, variant } = found;
      const catalogPrice = variantPresentmentPrice(variant, presentmentCurrency, shopCurrency, toPresentment);
      const unitPrice = priceOverride ?? catalogPrice;
      const item = variant.inventoryItem;
      if (item.tracked && variant.inventoryPolicy === "DENY") {
        const wanted = (requested.get(variant.id) ?? 0) + lineInput.quantity;
        requested.set(variant.id, wanted);
        const available = availableQuantity(shop, item);
        if (wanted > available) {
          alerts.push({
            title: "Insufficient inventory",
            content: `${product.title} - ${variant.title} has ${Math.max(available, 0)} available, ${wanted} requested`,
            severity: "WARNING",
          });
        }
      }
      lines.push({
        index,
        uuid,
        variantId: variant.id,
        productId: product.id,
        custom: false,
        title: product.title,
        variantTitle: variant.title === "Default Title" ? null : variant.title,
        sku: variant.sku,
        vendor: product.vendor || null,
        quantity: lineInput.quantity,
        requiresShipping: item.requiresShipping,
        taxable: variant.taxable,
        isGiftCard: product.isGiftCard,
        grams: grams(item.weight),
        customAttributes,
        unitPrice,
        originalTotal: unitPrice * lineInput.quantity,
        appliedDiscount: null,
        discountedTotal: 0,
        allocations: [],
        taxLines: [],
        priceOverride,
      });
      return;
    }
    const title = lineInput.title?.trim() ?? "";
    if (title === "") {
      userErrors.push({ field: null, message: "Merchandise title is empty." });
      return;
    }
    let unitPrice = 0;
    if (lineInput.originalUnitPriceWithCurrency) {
      unitPrice = moneyToPresentment(lineInput.originalUnitPriceWithCurrency);
    } else if (lineInput.originalUnitPrice != null && isDecimal(lineInput.originalUnitPrice)) {
      unitPrice = toPresentment(toMinor(lineInput.originalUnitPrice, shopCurrency));
    }
    if (priceOverride != null) unitPrice = priceOverride;
    if (unitPrice < 0) {
      userErrors.push({ field: null, message: "Cannot send negative price for line_item" });
      return;
    }
    lines.push({
      index,
      uuid,
      variantId: null,
      productId: null,
      custom: true,
      title,
      variantTitle: null,
      sku: lineInput.sku ?? null,
      vendor: null,
      quantity: lineInput.quantity,
      requiresShipping: lineInput.requiresShipping ?? true,
      taxable: lineInput.taxable ?? true,
      isGiftCard: false,
      grams: lineInput.weight ? grams(lineInput.weight) : 0,
      customAttributes,
      unitPrice,
      originalTotal: unitPrice * lineInput.quantity,
      appliedDiscount: null,
      discountedTotal: 0,
      allocations: [],
      taxLines: [],
      priceOverride,
    });
  });

  if (userErrors.length > 0) return { ok: false, userErrors };

  // Line-level custom discounts: a fixed amount is per unit (REST: value 10.0 × qty 2 → amount 20.00).
  lines.forEach((line) => {
    const discountInput = lineInputs[line.index].appliedDiscount;
    line.appliedDiscount = discountInput
      ? customDiscount(
          discountInput,
          line.originalTotal,
          line.quantity,
          moneyToPresentment,
          shopDecimalToPresentment,
        )
      : null;
    line.discountedTotal = line.originalTotal - (line.appliedDiscount?.amount ?? 0);
  });
  const lineItemsSubtotal = sum(lines.map((line) => line.discountedTotal));

  // Order-level discounts, each allocated across lines in proportion to what is left on them.
  const discountApplications: DiscountApplicationCalc[] = [];
  const warnings: DraftWarningCalc[] = [];
  const remaining = lines.map((line) => line.discountedTotal);
  const applyAcross = (application: Omit<DiscountApplicationCalc, "amount">, wanted: number) => {
    const amount = Math.min(wanted, sum(remaining));
    const index = discountApplications.push({ ...application, amount }) - 1;
    allocate(amount, remaining).forEach((part, lineIndex) => {
      if (part === 0) return;
      lines[lineIndex].allocations.push({ application: index, amount: part });
      remaining[lineIndex] -= part;
    });
  };

  let appliedDiscount: AppliedDiscountCalc | null = null;
  if (input.appliedDiscount) {
    appliedDiscount = customDiscount(
      input.appliedDiscount,
      lineItemsSubtotal,
      1,
      moneyToPresentment,
      shopDecimalToPresentment,
    );
    applyAcross(
      {
        kind: "MANUAL",
        code: null,
        title: appliedDiscount.title ?? "Custom discount",
        valueType: appliedDiscount.valueType,
        value: appliedDiscount.valueType === "PERCENTAGE" ? appliedDiscount.value : appliedDiscount.amount,
        target: "LINE_ITEM",
      },
      appliedDiscount.amount,
    );
  }

  const appliedCodes: string[] = [];
  const shippingCodes: DiscountCode[] = [];
  const eligible = (discount: DiscountCode) =>
    discount.minimumSubtotal == null ||
    toShop(lineItemsSubtotal) >= toMinor(discount.minimumSubtotal, shopCurrency);
  let orderCodeApplied = false;
  for (const entered of input.discountCodes ?? []) {
    const discount = shop.discountCodes.find(
      (candidate) => !candidate.automatic && candidate.code.toLowerCase() === entered.trim().toLowerCase(),
    );
    const warn = (errorCode: string, message: string) =>
      warnings.push({
        __typename: "DraftOrderDiscountNotAppliedWarning",
        errorCode,
        field: "discountCodes",
        message,
        discountCode: entered,
        discountTitle: discount?.title ?? null,
      });
    if (!discount || !discount.active) {
      warn("INVALID_DISCOUNT_CODE", `Discount code ${entered} is invalid`);
      continue;
    }
    if (!eligible(discount)) {
      warn(
        "DISCOUNT_NOT_APPLICABLE",
        `Discount code ${entered} requires a minimum subtotal of ${discount.minimumSubtotal} ${shopCurrency}`,
      );
      continue;
    }
    if (discount.kind === "FREE_SHIPPING") {
      shippingCodes.push(discount);
      appliedCodes.push(entered);
      continue;
    }
    // One product/order code per draft; free-shipping codes combine with it.
    if (orderCodeApplied) {
      warn(
        "DISCOUNT_COMBINATION_NOT_ALLOWED",
        `Discount code ${entered} can't be combined with other discounts`,
      );
      continue;
    }
    orderCodeApplied = true;
    appliedCodes.push(entered);
    applyCodeDiscount(discount, entered, "DISCOUNT_CODE");
  }
  if (input.acceptAutomaticDiscounts) {
    for (const discount of shop.discountCodes.filter(
      (candidate) => candidate.automatic && candidate.active,
    )) {
      if (!eligible(discount)) continue;
      if (discount.kind === "FREE_SHIPPING") shippingCodes.push(discount);
      else applyCodeDiscount(discount, null, "AUTOMATIC");
    }
  }

  function applyCodeDiscount(
    discount: DiscountCode,
    code: string | null,
    kind: "DISCOUNT_CODE" | "AUTOMATIC",
  ) {
    const base = sum(remaining);
    const wanted =
      discount.kind === "PERCENTAGE"
        ? applyRate(base, discount.value / 100)
        : shopDecimalToPresentment(discount.value);
    applyAcross(
      {
        kind,
        code,
        title: discount.title,
        valueType: discount.kind === "PERCENTAGE" ? "PERCENTAGE" : "FIXED_AMOUNT",
        value: discount.kind === "PERCENTAGE" ? discount.value : wanted,
        target: "LINE_ITEM",
      },
      wanted,
    );
  }

  const orderDiscounts = sum(discountApplications.map((application) => application.amount));
  const subtotal = lineItemsSubtotal - orderDiscounts;

  // Shipping: rates only when something ships and there is a destination (Shopify returns [] otherwise).
  const shipsSomething = lines.some((line) => line.requiresShipping);
  const availableShippingRates: ShippingRateCalc[] = [];
  const country = address?.countryCode ?? null;
  if (shipsSomething && country) {
    const zone = shop.shippingZones.find((candidate) => candidate.countryCodes.includes(country));
    for (const rate of zone?.rates ?? []) {
      const free = rate.freeAbove != null && toShop(subtotal) >= toMinor(rate.freeAbove, shopCurrency);
      const price = free ? 0 : toPresentment(toMinor(rate.price, shopCurrency));
      availableShippingRates.push({
        handle: shippingRateHandle(rate.handle, price, presentmentCurrency),
        title: rate.title,
        price,
        minDeliveryDays: rate.minDeliveryDays,
        maxDeliveryDays: rate.maxDeliveryDays,
      });
    }
  }

  let shippingLine: ShippingLineCalc | null = null;
  const shippingInput = input.shippingLine;
  if (shippingInput?.shippingRateHandle) {
    const rate = availableShippingRates.find(
      (candidate) => candidate.handle === shippingInput.shippingRateHandle,
    );
    if (!rate) {
      return {
        ok: false,
        userErrors: [
          {
            field: ["shippingLine", "shippingRateHandle"],
            message: "Shipping rate is not available for this draft order",
          },
        ],
      };
    }
    shippingLine = {
      title: rate.title,
      handle: rate.handle,
      code: rate.title,
      custom: false,
      source: "shopify",
      price: rate.price,
      discount: 0,
      taxLines: [],
    };
  } else if (
    shippingInput &&
    (shippingInput.priceWithCurrency || shippingInput.price != null || shippingInput.title)
  ) {
    // Shopify normalises a custom shipping line to code "custom", custom: true.
    const price = shippingInput.priceWithCurrency
      ? moneyToPresentment(shippingInput.priceWithCurrency)
      : shippingInput.price != null && isDecimal(shippingInput.price)
        ? toPresentment(toMinor(shippingInput.price, shopCurrency))
        : 0;
    shippingLine = {
      title: shippingInput.title ?? "",
      handle: null,
      code: "custom",
      custom: true,
      source: "shopify",
      price,
      discount: 0,
      taxLines: [],
    };
  }
  let shippingDiscount = 0;
  if (shippingLine && shippingCodes.length > 0) {
    shippingDiscount = shippingLine.price;
    shippingLine.discount = shippingDiscount;
    const discount = shippingCodes[0];
    discountApplications.push({
      kind: discount.automatic ? "AUTOMATIC" : "DISCOUNT_CODE",
      code: discount.automatic ? null : discount.code,
      title: discount.title,
      valueType: "PERCENTAGE",
      value: 100,
      target: "SHIPPING_LINE",
      amount: shippingDiscount,
    });
  }

  // Taxes: per line, rounded per line, from the destination's rates (none without a destination).
  const taxExempt = input.taxExempt === true;
  const taxAddress = address ?? input.billingAddress ?? null;
  const rates =
    taxExempt || !taxAddress?.countryCode
      ? []
      : ratesFor(shop, taxAddress.countryCode, taxAddress.provinceCode);
  const taxesIncluded = shop.taxesIncluded;
  const taxFor = (base: number, applicable: typeof rates): TaxLineCalc[] => {
    const combined = applicable.reduce((acc, rate) => acc + rate.rate, 0);
    return applicable.map((rate) => ({
      title: rate.title,
      rate: rate.rate,
      amount: taxesIncluded ? includedTax(base, rate.rate, combined) : applyRate(base, rate.rate),
    }));
  };
  for (const line of lines) {
    const taxableAmount = line.discountedTotal - sum(line.allocations.map((allocation) => allocation.amount));
    line.taxLines = line.taxable && !line.isGiftCard ? taxFor(taxableAmount, rates) : [];
  }
  if (shippingLine) {
    shippingLine.taxLines = taxFor(
      shippingLine.price - shippingLine.discount,
      rates.filter((rate) => rate.shippingTaxed),
    );
  }
  const taxLines = aggregateTaxLines([
    ...lines.flatMap((line) => line.taxLines),
    ...(shippingLine?.taxLines ?? []),
  ]);
  const totalTax = sum(taxLines.map((line) => line.amount));

  const totalLineItemsPrice = sum(lines.map((line) => line.originalTotal));
  const totalShipping = shippingLine?.price ?? 0;
  const lineDiscounts = sum(lines.map((line) => line.appliedDiscount?.amount ?? 0));
  const totalDiscounts = lineDiscounts + orderDiscounts + shippingDiscount;
  const total = subtotal + totalShipping - shippingDiscount + (taxesIncluded ? 0 : totalTax);

  return {
    ok: true,
    calculation: {
      shopCurrency,
      presentmentCurrency,
      rate: 1 / conversion,
      taxesIncluded,
      taxExempt,
      lines,
      discountApplications,
      appliedDiscount,
      discountCodes: appliedCodes,
      availableShippingRates,
      shippingLine,
      taxLines,
      totalLineItemsPrice,
      lineItemsSubtotal,
      orderDiscounts,
      subtotal,
      totalShipping,
      shippingDiscount,
      totalDiscounts,
      totalTax,
      total,
      warnings,
      alerts,
    },
  };
}

/**
 * Shopify's rate handles are opaque and change when the price changes (they are signed over the
 * rate), so a handle from an earlier quote stops matching once the rate's price moves.
 */
export function shippingRateHandle(rateHandle: string, price: number, currency: string): string {
  return `shopify-${rateHandle}-${formatMoney(price, currency)}`;
}

/** The market that sells in `currency` (preferring one that covers `countryCode`). */
function marketFor(shop: ShopState, currency: string, countryCode: string | null) {
  const candidates = shop.markets.filter((market) => market.currencyCode === currency);
  return (
    candidates.find((market) => countryCode != null && market.countryCodes.includes(countryCode)) ??
    candidates[0] ??
    null
  );
}

function variantPresentmentPrice(
  variant: { price: string; contextualPrices: { currencyCode: string; price: string }[] },
  presentmentCurrency: string,
  shopCurrency: string,
  toPresentment: (shopMinor: number) => number,
): number {
  if (presentmentCurrency === shopCurrency) return toMinor(variant.price, shopCurrency);
  // Fixed market prices win over conversion, as with Markets price lists.
  const fixed = variant.contextualPrices.find((price) => price.currencyCode === presentmentCurrency);
  if (fixed) return toMinor(fixed.price, presentmentCurrency);
  return toPresentment(toMinor(variant.price, shopCurrency));
}

function customDiscount(
  input: AppliedDiscountInputLike,
  base: number,
  quantity: number,
  moneyToPresentment: (money: MoneyInputLike) => number,
  shopDecimalToPresentment: (value: number) => number,
): AppliedDiscountCalc {
  let amount: number;
  if (input.valueType === "PERCENTAGE") {
    amount = applyRate(base, Math.min(Math.max(input.value, 0), 100) / 100);
  } else if (input.amountWithCurrency) {
    amount = moneyToPresentment(input.amountWithCurrency);
  } else {
    // `value` is in the shop currency.
    amount = shopDecimalToPresentment(input.value) * quantity;
  }
  return {
    title: input.title ?? null,
    description: input.description ?? "",
    value: input.value,
    valueType: input.valueType,
    amount: Math.min(Math.max(amount, 0), base),
  };
}

/** A destination's tax rates: the province's own entries, else the country-wide ones. */
export function ratesFor(shop: ShopState, countryCode: string, provinceCode: string | null | undefined) {
  const country = shop.taxRates.filter((rate) => rate.countryCode === countryCode);
  const province = country.filter((rate) => provinceCode != null && rate.provinceCode === provinceCode);
  return (province.length > 0 ? province : country.filter((rate) => rate.provinceCode == null)).filter(
    (rate) => rate.rate > 0,
  );
}

export function aggregateTaxLines(taxLines: TaxLineCalc[]): TaxLineCalc[] {
  const byKey = new Map<string, TaxLineCalc>();
  for (const line of taxLines) {
    const key = `${line.title}\u0000${line.rate}`;
    const existing = byKey.get(key);
    if (existing) existing.amount += line.amount;
    else byKey.set(key, { ...line });
  }
  return [...byKey.values()];
}

function grams(weight: { value: number; unit: string } | null): number {
  if (!weight) return 0;
  const factor: Record<string, number> = {
    GRAMS: 1,
    KILOGRAMS: 1000,
    OUNCES: 28.349523125,
    POUNDS: 453.59237,
  };
  return Math.round(weight.value * (factor[weight.unit] ?? 1));
}

function sum(values: number[]): number {
  return values.reduce((acc, value) => acc + value, 0);
}
