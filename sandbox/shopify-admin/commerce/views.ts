/**
 * GraphQL views of the commerce objects (see resolvers/types.ts): plain objects whose fields are
 * values or `(args) => value` functions, named exactly as in the 2026-04 schema. Fields the sandbox
 * does not model are explicit nulls / empty lists, never missing.
 */
import {
  findVariant,
  numericId,
  type DraftOrder,
  type Fulfillment,
  type FulfillmentOrder,
  type MailingAddress,
  type Order,
  type OrderLineItem,
  type OrderTransaction,
  type Product,
  type Refund,
  type SandboxJob,
  type ShopState,
  type Variant,
} from "../store";
import { connection, emptyConnection, type ConnectionArgs } from "./connection";
import { countryName, provinceName } from "./geo";
import { convertMinor, formatDecimal, formatMoney } from "./money";
import {
  calculateDraftOrder,
  type AlertCalc,
  type Calculation,
  type CalcLine,
  type DraftOrderInputLike,
  type TaxLineCalc,
} from "./pricing";
import { fulfillmentOrdersOf, lineUnitShares, orderBalances, orderMinor } from "./orders";

type View = Record<string, unknown>;

/* ----------------------------------------------------------------------------------------------
 * Money
 * ------------------------------------------------------------------------------------------- */

export function moneyV2(minor: number, currency: string) {
  return { amount: formatDecimal(minor, currency), currencyCode: currency };
}

/** Converts presentment minor units to a `MoneyBag`. */
interface Pricing {
  shopCurrency: string;
  presentmentCurrency: string;
  rate: number;
}

function bag(pricing: Pricing, presentmentMinor: number) {
  const shopAmount = convertMinor(
    presentmentMinor,
    pricing.presentmentCurrency,
    pricing.shopCurrency,
    pricing.rate,
  );
  return {
    shopMoney: moneyV2(shopAmount, pricing.shopCurrency),
    presentmentMoney: moneyV2(presentmentMinor, pricing.presentmentCurrency),
  };
}

function shopMoneyScalar(pricing: Pricing, presentmentMinor: number): string {
  return formatMoney(
    convertMinor(presentmentMinor, pricing.presentmentCurrency, pricing.shopCurrency, pricing.rate),
    pricing.shopCurrency,
  );
}

function shopMoneyV2(pricing: Pricing, presentmentMinor: number) {
  return bag(pricing, presentmentMinor).shopMoney;
}

function orderPricing(order: Order): Pricing {
  return {
    shopCurrency: order.currencyCode,
    presentmentCurrency: order.presentmentCurrencyCode,
    rate: order.shopMoneyRate ?? 1,
  };
}

function calcPricing(calculation: Calculation): Pricing {
  return {
    shopCurrency: calculation.shopCurrency,
    presentmentCurrency: calculation.presentmentCurrency,
    rate: calculation.rate,
  };
}

function taxLineView(pricing: Pricing, tax: TaxLineCalc): View {
  return {
    channelLiable: false,
    price: shopMoneyScalar(pricing, tax.amount),
    priceSet: bag(pricing, tax.amount),
    rate: tax.rate,
    ratePercentage: Math.round(tax.rate * 1e6) / 1e4,
    source: "Shopify",
    title: tax.title,
  };
}

function orderTaxLines(order: Order, taxLines: { title: string; rate: number; price: string }[]) {
  return taxLines.map((tax) => ({ title: tax.title, rate: tax.rate, amount: orderMinor(order, tax.price) }));
}

function aggregate(taxLines: TaxLineCalc[]): TaxLineCalc[] {
  const byKey = new Map<string, TaxLineCalc>();
  for (const tax of taxLines) {
    const key = `${tax.title}\u0000${tax.rate}`;
    const entry = byKey.get(key);
    if (entry) entry.amount += tax.amount;
    else byKey.set(key, { ...tax });
  }
  return [...byKey.values()];
}

/* ----------------------------------------------------------------------------------------------
 * Shared small objects
 * ------------------------------------------------------------------------------------------- */

export function mailingAddressView(address: MailingAddress | null, id: string): View | null {
  if (!address) return null;
  const name = [address.firstName, address.lastName].filter(Boolean).join(" ") || null;
  const province = provinceName(address.countryCode, address.provinceCode);
  const country = countryName(address.countryCode);
  const area = [address.city, [address.provinceCode, address.zip].filter(Boolean).join(" ")]
    .filter(Boolean)
    .join(", ");
  return {
    __typename: "MailingAddress",
    id,
    address1: address.address1 ?? null,
    address2: address.address2 ?? null,
    city: address.city ?? null,
    company: address.company ?? null,
    coordinatesValidated: false,
    country,
    countryCode: address.countryCode ?? null,
    countryCodeV2: address.countryCode ?? null,
    firstName: address.firstName ?? null,
    lastName: address.lastName ?? null,
    formatted: (args: { withName?: boolean; withCompany?: boolean }) =>
      [
        args.withName ? name : null,
        args.withCompany !== false ? (address.company ?? null) : null,
        address.address1,
        address.address2,
        area || null,
        country,
      ].filter((line): line is string => Boolean(line)),
    formattedArea: [address.city, province, country].filter(Boolean).join(", ") || null,
    latitude: null,
    longitude: null,
    name,
    phone: address.phone ?? null,
    province,
    provinceCode: address.provinceCode ?? null,
    timeZone: null,
    validationResultSummary: null,
    zip: address.zip ?? null,
  };
}

function addressId(ownerId: string, suffix: number): string {
  return `gid://shopify/MailingAddress/${numericId(ownerId)}${suffix}?model_name=Address`;
}

function sameAddress(a: MailingAddress | null, b: MailingAddress | null): boolean {
  return JSON.stringify(a ?? null) === JSON.stringify(b ?? null);
}

function productRefView(product: Product): View {
  return {
    __typename: "Product",
    id: product.id,
    legacyResourceId: numericId(product.id),
    title: product.title,
    handle: product.handle,
    status: product.status,
    vendor: product.vendor,
    productType: product.productType,
    tags: product.tags,
    isGiftCard: product.isGiftCard,
    createdAt: product.createdAt,
    updatedAt: product.updatedAt,
    publishedAt: product.publishedAt,
  };
}

/**
 * A reference to a variant from an order or draft line (enough for `variant { id sku … }`); the
 * catalog module owns the full ProductVariant view.
 */
export function variantRefView(shop: ShopState, variantId: string | null): View | null {
  if (!variantId) return null;
  const found = findVariant(shop, variantId);
  if (!found) return null;
  const { product, variant } = found;
  return variantView(product, variant);
}

function variantView(product: Product, variant: Variant): View {
  return {
    __typename: "ProductVariant",
    id: variant.id,
    legacyResourceId: numericId(variant.id),
    title: variant.title,
    displayName: variant.title === "Default Title" ? product.title : `${product.title} - ${variant.title}`,
    sku: variant.sku,
    barcode: variant.barcode,
    price: Number(variant.price).toFixed(2),
    compareAtPrice: variant.compareAtPrice == null ? null : Number(variant.compareAtPrice).toFixed(2),
    taxable: variant.taxable,
    inventoryPolicy: variant.inventoryPolicy,
    selectedOptions: variant.selectedOptions,
    position: variant.position,
    image: null,
    product: productRefView(product),
    inventoryItem: {
      __typename: "InventoryItem",
      id: variant.inventoryItem.id,
      sku: variant.inventoryItem.sku,
      tracked: variant.inventoryItem.tracked,
      requiresShipping: variant.inventoryItem.requiresShipping,
    },
    createdAt: variant.createdAt,
    updatedAt: variant.updatedAt,
  };
}

function productOf(shop: ShopState, productId: string | null): View | null {
  const product = productId ? shop.products.get(productId) : undefined;
  return product ? productRefView(product) : null;
}

function locationView(shop: ShopState, locationId: string | null | undefined): View | null {
  const location = shop.locations.find((candidate) => candidate.id === locationId);
  return location
    ? {
        __typename: "Location",
        id: location.id,
        legacyResourceId: numericId(location.id),
        name: location.name,
        isActive: location.isActive,
      }
    : null;
}

export function userErrors(errors: { field: string[] | null; message: string; code?: string | null }[]) {
  return errors.map((error) => ({ field: error.field, message: error.message, code: error.code ?? null }));
}

export function jobView(job: SandboxJob): View {
  return { __typename: "Job", id: job.id, done: job.done, query: null };
}

/* ----------------------------------------------------------------------------------------------
 * Draft orders
 * ------------------------------------------------------------------------------------------- */

function platformDiscounts(calculation: Calculation, lineViews: View[], shippingView: View | null): View[] {
  const pricing = calcPricing(calculation);
  return calculation.discountApplications
    .map((application, index) => ({ application, index }))
    .filter(({ application }) => application.kind !== "MANUAL")
    .map(({ application, index }) => {
      const shipping = application.target === "SHIPPING_LINE";
      const allocations = shipping
        ? shippingView && application.amount > 0
          ? [{ amount: application.amount, target: { __typename: "ShippingLine", ...shippingView } }]
          : []
        : calculation.lines.flatMap((line, lineIndex) =>
            line.allocations
              .filter((allocation) => allocation.application === index)
              .map((allocation) => ({
                amount: allocation.amount,
                target: { __typename: "CalculatedDraftOrderLineItem", ...lineViews[lineIndex] },
              })),
          );
      const summary =
        application.valueType === "PERCENTAGE"
          ? `${application.value}% off ${shipping ? "shipping" : "entire order"}`
          : `${formatMoney(application.value, calculation.presentmentCurrency)} ${calculation.presentmentCurrency} off entire order`;
      return {
        allocations: allocations.map((allocation) => ({
          id: null,
          quantity: null,
          reductionAmount: shopMoneyV2(pricing, allocation.amount),
          reductionAmountSet: bag(pricing, allocation.amount),
          target: allocation.target,
        })),
        automaticDiscount: application.kind === "AUTOMATIC",
        bxgyDiscount: false,
        code: application.code,
        discountClass: shipping ? "SHIPPING" : "ORDER",
        discountClasses: [shipping ? "SHIPPING" : "ORDER"],
        discountNode: null,
        id: null,
        presentationLevel: shipping ? "shipping" : "order",
        shortSummary: summary,
        summary,
        title: application.title,
        totalAmount: shopMoneyV2(pricing, application.amount),
        totalAmountPriceSet: bag(pricing, application.amount),
      };
    });
}

function appliedDiscountView(pricing: Pricing, discount: CalcLine["appliedDiscount"]): View | null {
  if (!discount) return null;
  return {
    amount: shopMoneyScalar(pricing, discount.amount),
    amountSet: bag(pricing, discount.amount),
    amountV2: shopMoneyV2(pricing, discount.amount),
    description: discount.description,
    title: discount.title,
    value: discount.value,
    valueType: discount.valueType,
  };
}

function calcLineView(shop: ShopState, calculation: Calculation, line: CalcLine, id: string | null): View {
  const pricing = calcPricing(calculation);
  const lineDiscount = line.appliedDiscount?.amount ?? 0;
  const unitAfter = Math.round(line.discountedTotal / line.quantity);
  return {
    ...(id ? { id } : {}),
    appliedDiscount: appliedDiscountView(pricing, line.appliedDiscount),
    approximateDiscountedUnitPriceSet: bag(pricing, unitAfter),
    bundleComponents: [],
    components: [],
    custom: line.custom,
    customAttributes: line.customAttributes,
    customAttributesV2: line.customAttributes.map(({ key, value }) => ({ key, value, type: "STRING" })),
    discountedTotal: id
      ? shopMoneyScalar(pricing, line.discountedTotal)
      : shopMoneyV2(pricing, line.discountedTotal),
    discountedTotalSet: bag(pricing, line.discountedTotal),
    discountedUnitPrice: id ? shopMoneyScalar(pricing, unitAfter) : shopMoneyV2(pricing, unitAfter),
    discountedUnitPriceSet: bag(pricing, unitAfter),
    fulfillmentService: null,
    grams: line.grams,
    image: null,
    isGiftCard: line.isGiftCard,
    name: line.variantTitle ? `${line.title} - ${line.variantTitle}` : line.title,
    originalTotal: id
      ? shopMoneyScalar(pricing, line.originalTotal)
      : shopMoneyV2(pricing, line.originalTotal),
    originalTotalSet: bag(pricing, line.originalTotal),
    originalUnitPrice: id ? shopMoneyScalar(pricing, line.unitPrice) : shopMoneyV2(pricing, line.unitPrice),
    originalUnitPriceSet: bag(pricing, line.unitPrice),
    originalUnitPriceWithCurrency: line.custom
      ? moneyV2(line.unitPrice, calculation.presentmentCurrency)
      : null,
    priceOverride:
      line.priceOverride == null ? null : moneyV2(line.priceOverride, calculation.presentmentCurrency),
    product: productOf(shop, line.productId),
    quantity: line.quantity,
    requiresShipping: line.requiresShipping,
    sku: line.sku,
    taxLines: line.taxLines.map((tax) => taxLineView(pricing, tax)),
    taxable: line.taxable,
    title: line.title,
    totalDiscount: id ? shopMoneyScalar(pricing, lineDiscount) : shopMoneyV2(pricing, lineDiscount),
    totalDiscountSet: bag(pricing, lineDiscount),
    uuid: line.uuid,
    variant: variantRefView(shop, line.variantId),
    variantTitle: line.variantTitle,
    vendor: line.vendor,
    weight: { unit: "GRAMS", value: line.grams },
  };
}

function calcShippingLineView(calculation: Calculation, id: string | null): View | null {
  const line = calculation.shippingLine;
  if (!line) return null;
  const pricing = calcPricing(calculation);
  const discounted = line.price - line.discount;
  return {
    carrierIdentifier: null,
    code: line.code,
    currentDiscountedPriceSet: bag(pricing, discounted),
    custom: line.custom,
    deliveryCategory: null,
    discountAllocations: [],
    discountedPrice: shopMoneyV2(pricing, discounted),
    discountedPriceSet: bag(pricing, discounted),
    id,
    isRemoved: false,
    originalPrice: shopMoneyV2(pricing, line.price),
    originalPriceSet: bag(pricing, line.price),
    phone: null,
    price: shopMoneyScalar(pricing, line.price),
    requestedFulfillmentService: null,
    shippingRateHandle: line.handle,
    source: line.source,
    taxLines: line.taxLines.map((tax) => taxLineView(pricing, tax)),
    title: line.title,
  };
}

function alertView(alert: AlertCalc): View {
  return {
    actions: [],
    content: alert.content,
    dismissibleHandle: null,
    icon: null,
    severity: alert.severity,
    title: alert.title,
  };
}

/** The fields `CalculatedDraftOrder` and `DraftOrder` share. */
function draftCommonFields(
  shop: ShopState,
  calculation: Calculation,
  input: DraftOrderInputLike,
  lineViews: View[],
  shippingView: View | null,
): View {
  const pricing = calcPricing(calculation);
  const overridden = calculation.lines.filter((line) => line.priceOverride != null).length;
  return {
    acceptAutomaticDiscounts: input.acceptAutomaticDiscounts ?? null,
    allVariantPricesOverridden: calculation.lines.length > 0 && overridden === calculation.lines.length,
    anyVariantPricesOverridden: overridden > 0,
    appliedDiscount: appliedDiscountView(pricing, calculation.appliedDiscount),
    billingAddressMatchesShippingAddress: sameAddress(
      (input.billingAddress as MailingAddress) ?? null,
      (input.shippingAddress as MailingAddress) ?? null,
    ),
    currencyCode: calculation.shopCurrency,
    customer: null,
    discountCodes: calculation.discountCodes,
    lineItemsSubtotalPrice: bag(pricing, calculation.lineItemsSubtotal),
    marketName: "",
    marketRegionCountryCode: input.shippingAddress?.countryCode ?? shop.address?.countryCode ?? "US",
    phone: input.phone ?? null,
    platformDiscounts: platformDiscounts(calculation, lineViews, shippingView),
    presentmentCurrencyCode: calculation.presentmentCurrency,
    purchasingEntity: null,
    shippingLine: shippingView,
    subtotalPrice: shopMoneyScalar(pricing, calculation.subtotal),
    subtotalPriceSet: bag(pricing, calculation.subtotal),
    taxLines: calculation.taxLines.map((tax) => taxLineView(pricing, tax)),
    taxesIncluded: calculation.taxesIncluded,
    totalDiscountsSet: bag(pricing, calculation.totalDiscounts),
    totalLineItemsPriceSet: bag(pricing, calculation.totalLineItemsPrice),
    totalPrice: shopMoneyScalar(pricing, calculation.total),
    totalPriceSet: bag(pricing, calculation.total),
    totalQuantityOfLineItems: calculation.lines.reduce((sum, line) => sum + line.quantity, 0),
    totalShippingPrice: shopMoneyScalar(pricing, calculation.totalShipping),
    totalShippingPriceSet: bag(pricing, calculation.totalShipping),
    totalTax: shopMoneyScalar(pricing, calculation.totalTax),
    totalTaxSet: bag(pricing, calculation.totalTax),
    transformerFingerprint: null,
    warnings: calculation.warnings.map((warning) => ({ ...warning, priceRule: null })),
  };
}

export function calculatedDraftOrderView(
  shop: ShopState,
  calculation: Calculation,
  input: DraftOrderInputLike,
): View {
  const pricing = calcPricing(calculation);
  const lineViews = calculation.lines.map((line) => calcLineView(shop, calculation, line, null));
  const shippingView = calcShippingLineView(calculation, null);
  return {
    ...draftCommonFields(shop, calculation, input, lineViews, shippingView),
    alerts: calculation.alerts.map(alertView),
    availableShippingRates: calculation.availableShippingRates.map((rate) => ({
      handle: rate.handle,
      title: rate.title,
      price: moneyV2(rate.price, calculation.presentmentCurrency),
    })),
    lineItems: lineViews,
    subtotalPrice: shopMoneyV2(pricing, calculation.subtotal),
    totalPrice: shopMoneyV2(pricing, calculation.total),
    totalShippingPrice: shopMoneyV2(pricing, calculation.totalShipping),
    totalTax: shopMoneyV2(pricing, calculation.totalTax),
  };
}

/** Draft line ids are positional (the sandbox keeps the input, not line records). */
export function draftLineItemId(draft: DraftOrder, index: number): string {
  return `gid://shopify/DraftOrderLineItem/${Number(numericId(draft.id)) * 1000 + index}`;
}

/** Drafts are recalculated on read; the last good calculation covers a variant deleted since. */
const lastCalculation = new WeakMap<DraftOrder, Calculation>();

export function draftCalculation(shop: ShopState, draft: DraftOrder): Calculation | null {
  const result = calculateDraftOrder(shop, draft.input as DraftOrderInputLike);
  if (result.ok) {
    lastCalculation.set(draft, result.calculation);
    return result.calculation;
  }
  return lastCalculation.get(draft) ?? null;
}

export function rememberCalculation(draft: DraftOrder, calculation: Calculation): void {
  lastCalculation.set(draft, calculation);
}

export function draftOrderView(shop: ShopState, draft: DraftOrder): View {
  const calculation = draftCalculation(shop, draft)!;
  const input = draft.input as DraftOrderInputLike & {
    note?: string | null;
    customAttributes?: { key: string; value: string }[] | null;
    visibleToCustomer?: boolean | null;
    poNumber?: string | null;
    allowDiscountCodesInCheckout?: boolean | null;
  };
  const lineViews = calculation.lines.map((line, index) =>
    calcLineView(shop, calculation, line, draftLineItemId(draft, index)),
  );
  const shippingView = calcShippingLineView(calculation, null);
  const order = draft.orderId ? shop.orders.get(draft.orderId) : undefined;
  const grams = calculation.lines.reduce((sum, line) => sum + line.grams * line.quantity, 0);
  return {
    __typename: "DraftOrder",
    ...draftCommonFields(shop, calculation, input, lineViews, shippingView),
    allowDiscountCodesInCheckout: input.allowDiscountCodesInCheckout ?? false,
    billingAddress: mailingAddressView(
      (input.billingAddress as MailingAddress) ?? null,
      addressId(draft.id, 2),
    ),
    completedAt: draft.completedAt ?? null,
    createdAt: draft.createdAt,
    customAttributes: input.customAttributes ?? [],
    defaultCursor: Buffer.from(JSON.stringify({ last_id: numericId(draft.id) })).toString("base64url"),
    email: input.email ?? null,
    hasTimelineComment: false,
    id: draft.id,
    invoiceEmailTemplateSubject: `Complete your purchase`,
    invoiceSentAt: null,
    invoiceUrl: `https://${shop.domain}/${numericId(shop.id)}/invoices/${numericId(draft.id)}`,
    legacyResourceId: numericId(draft.id),
    lineItems: (args: ConnectionArgs) =>
      connection(
        lineViews,
        args,
        (view) => String(view.id),
        (view) => view,
      ),
    metafield: null,
    metafields: emptyConnection,
    name: draft.name,
    note2: input.note ?? null,
    order: order ? orderView(shop, order) : null,
    paymentTerms: null,
    poNumber: input.poNumber ?? null,
    ready: true,
    reserveInventoryUntil: input.reserveInventoryUntil ?? null,
    shippingAddress: mailingAddressView(
      (input.shippingAddress as MailingAddress) ?? null,
      addressId(draft.id, 1),
    ),
    status: draft.status,
    tags: ((input.tags as string[] | undefined) ?? []).slice().sort(),
    taxExempt: input.taxExempt ?? false,
    totalWeight: String(grams),
    updatedAt: draft.updatedAt,
    visibleToCustomer: input.visibleToCustomer ?? false,
  };
}

/* ----------------------------------------------------------------------------------------------
 * Orders
 * ------------------------------------------------------------------------------------------- */

function discountApplicationView(order: Order, index: number): View | null {
  const application = (order.discountApplications ?? [])[index];
  if (!application) return null;
  const value =
    application.valueType === "PERCENTAGE"
      ? { __typename: "PricingPercentageValue", percentage: application.value }
      : { __typename: "MoneyV2", ...moneyV2(application.value, order.presentmentCurrencyCode) };
  const common = {
    allocationMethod: "ACROSS",
    index,
    targetSelection: "ALL",
    targetType: application.targetType,
    value,
  };
  if (application.kind === "DISCOUNT_CODE") {
    return { __typename: "DiscountCodeApplication", ...common, code: application.code ?? "" };
  }
  if (application.kind === "AUTOMATIC") {
    return { __typename: "AutomaticDiscountApplication", ...common, title: application.title };
  }
  return { __typename: "ManualDiscountApplication", ...common, title: application.title, description: null };
}

export function lineItemView(shop: ShopState, order: Order, line: OrderLineItem): View {
  const pricing = orderPricing(order);
  const unit = orderMinor(order, line.originalUnitPrice);
  const discountedTotal = orderMinor(order, line.discountedTotal);
  const codeDiscounts = (line.discountAllocations ?? []).reduce(
    (sum, allocation) => sum + orderMinor(order, allocation.amount),
    0,
  );
  const shares = lineUnitShares(order, line);
  const refunded = line.quantity - line.currentQuantity;
  const unfulfilled = Math.max(0, line.currentQuantity - line.fulfilledQuantity);
  const lineDiscount = unit * line.quantity - discountedTotal;
  const afterAll = Math.round((discountedTotal - codeDiscounts) / line.quantity);
  return {
    __typename: "LineItem",
    canRestock: refunded < line.quantity,
    contract: null,
    currentQuantity: line.currentQuantity,
    customAttributes: line.customAttributes ?? [],
    discountAllocations: (line.discountAllocations ?? []).map((allocation) => ({
      allocatedAmount: shopMoneyV2(pricing, orderMinor(order, allocation.amount)),
      allocatedAmountSet: bag(pricing, orderMinor(order, allocation.amount)),
      discountApplication: discountApplicationView(order, allocation.application),
    })),
    discountedTotal: shopMoneyScalar(pricing, discountedTotal),
    discountedTotalSet: (args: { withCodeDiscounts?: boolean }) =>
      bag(pricing, args.withCodeDiscounts ? discountedTotal - codeDiscounts : discountedTotal),
    discountedUnitPrice: shopMoneyScalar(pricing, Math.round(discountedTotal / line.quantity)),
    discountedUnitPriceAfterAllDiscountsSet: bag(pricing, afterAll),
    discountedUnitPriceSet: bag(pricing, Math.round(discountedTotal / line.quantity)),
    duties: [],
    fulfillableQuantity: order.cancelledAt ? 0 : unfulfilled,
    fulfillmentService: null,
    fulfillmentStatus:
      line.fulfilledQuantity === 0 ? "unfulfilled" : unfulfilled === 0 ? "fulfilled" : "partial",
    id: line.id,
    image: null,
    isGiftCard: line.isGiftCard ?? false,
    lineItemGroup: null,
    merchantEditable: !order.cancelledAt,
    name: line.variantTitle ? `${line.title} - ${line.variantTitle}` : line.title,
    nonFulfillableQuantity: line.quantity - line.currentQuantity,
    originalTotal: shopMoneyScalar(pricing, unit * line.quantity),
    originalTotalSet: bag(pricing, unit * line.quantity),
    originalUnitPrice: shopMoneyScalar(pricing, unit),
    originalUnitPriceSet: bag(pricing, unit),
    product: productOf(shop, line.productId),
    quantity: line.quantity,
    refundableQuantity: line.currentQuantity,
    requiresShipping: line.requiresShipping,
    restockable: line.variantId != null && line.currentQuantity > 0,
    sellingPlan: null,
    sku: line.sku,
    staffMember: null,
    taxLines: (args: { first?: number | null }) =>
      orderTaxLines(order, line.taxLines)
        .slice(0, args.first ?? undefined)
        .map((tax) => taxLineView(pricing, tax)),
    taxable: line.taxable ?? true,
    title: line.title,
    totalDiscount: shopMoneyScalar(pricing, lineDiscount),
    totalDiscountSet: bag(pricing, lineDiscount),
    unfulfilledDiscountedTotal: shopMoneyScalar(pricing, shares.subtotal(unfulfilled)),
    unfulfilledDiscountedTotalSet: bag(pricing, shares.subtotal(unfulfilled)),
    unfulfilledOriginalTotal: shopMoneyScalar(pricing, unit * unfulfilled),
    unfulfilledOriginalTotalSet: bag(pricing, unit * unfulfilled),
    unfulfilledQuantity: unfulfilled,
    variant: variantRefView(shop, line.variantId),
    variantTitle: line.variantTitle,
    vendor: line.vendor ?? null,
  };
}

function orderShippingLineView(order: Order, index: number): View {
  const line = order.shippingLines[index];
  const pricing = orderPricing(order);
  const price = orderMinor(order, line.price);
  const discounted = orderMinor(order, line.discountedPrice ?? line.price);
  const refunded = order.refunds.reduce(
    (sum, refund) => sum + orderMinor(order, refund.shippingAmount ?? "0"),
    0,
  );
  return {
    __typename: "ShippingLine",
    carrierIdentifier: null,
    code: line.code,
    currentDiscountedPriceSet: bag(pricing, index === 0 ? Math.max(0, discounted - refunded) : discounted),
    custom: !line.shippingRateHandle,
    deliveryCategory: null,
    discountAllocations: [],
    discountedPrice: shopMoneyV2(pricing, discounted),
    discountedPriceSet: bag(pricing, discounted),
    id: `gid://shopify/ShippingLine/${order.legacyResourceId}${index}`,
    isRemoved: false,
    originalPrice: shopMoneyV2(pricing, price),
    originalPriceSet: bag(pricing, price),
    phone: null,
    price: shopMoneyScalar(pricing, price),
    requestedFulfillmentService: null,
    shippingRateHandle: line.shippingRateHandle ?? null,
    source: line.source ?? "shopify",
    taxLines: orderTaxLines(order, line.taxLines).map((tax) => taxLineView(pricing, tax)),
    title: line.title,
  };
}

export function transactionView(shop: ShopState, order: Order, transaction: OrderTransaction): View {
  const pricing = orderPricing(order);
  const amount = orderMinor(order, transaction.amount);
  const parent = transaction.parentId
    ? order.transactions.find((candidate) => candidate.id === transaction.parentId)
    : undefined;
  const refundedFromThis = order.transactions
    .filter((candidate) => candidate.parentId === transaction.id && candidate.kind === "REFUND")
    .filter((candidate) => candidate.status === "SUCCESS")
    .reduce((sum, candidate) => sum + orderMinor(order, candidate.amount), 0);
  const refundable =
    transaction.status === "SUCCESS" && (transaction.kind === "SALE" || transaction.kind === "CAPTURE")
      ? amount - refundedFromThis
      : null;
  const gatewayName = transaction.gateway
    .split(/[-_\s]+/)
    .map((part) => part.charAt(0).toUpperCase() + part.slice(1))
    .join(" ");
  return {
    __typename: "OrderTransaction",
    accountNumber: null,
    amount: shopMoneyScalar(pricing, amount),
    amountRoundingSet: null,
    amountSet: bag(pricing, amount),
    amountV2: shopMoneyV2(pricing, amount),
    authorizationCode: transaction.authorizationCode,
    authorizationExpiresAt: null,
    createdAt: transaction.processedAt,
    currencyExchangeAdjustment: null,
    device: null,
    errorCode: null,
    fees: [],
    formattedGateway: gatewayName,
    gateway: transaction.gateway,
    id: transaction.id,
    kind: transaction.kind,
    location: null,
    manualPaymentGateway: transaction.gateway === "manual",
    manuallyCapturable: false,
    maximumRefundable: refundable == null ? null : shopMoneyScalar(pricing, refundable),
    maximumRefundableV2: refundable == null ? null : shopMoneyV2(pricing, refundable),
    multiCapturable: false,
    order: () => orderView(shop, order),
    parentTransaction: parent ? transactionView(shop, order, parent) : null,
    paymentDetails: null,
    paymentIcon: null,
    paymentId: transaction.authorizationCode,
    paymentMethod: null,
    processedAt: transaction.processedAt,
    receiptJson: "{}",
    settlementCurrency: null,
    settlementCurrencyRate: null,
    shopifyPaymentsSet: null,
    status: transaction.status,
    test: transaction.test ?? false,
    totalUnsettled: null,
    totalUnsettledSet: null,
    totalUnsettledV2: null,
    user: null,
  };
}

function fulfillmentDisplayStatus(fulfillment: Fulfillment): string {
  if (fulfillment.status === "CANCELLED") return "CANCELED";
  if (fulfillment.status === "FAILURE" || fulfillment.status === "ERROR") return "FAILURE";
  const latest = fulfillment.events[fulfillment.events.length - 1];
  return latest ? latest.status : "FULFILLED";
}

export function fulfillmentView(shop: ShopState, order: Order, fulfillment: Fulfillment): View {
  const pricing = orderPricing(order);
  const lineItems = fulfillment.lineItems.map((entry, index) => ({ entry, index }));
  const inTransit = fulfillment.events.find((event) => event.status === "IN_TRANSIT");
  return {
    __typename: "Fulfillment",
    createdAt: fulfillment.createdAt,
    deliveredAt: fulfillment.deliveredAt,
    displayStatus: fulfillmentDisplayStatus(fulfillment),
    estimatedDeliveryAt: fulfillment.estimatedDeliveryAt,
    events: (args: ConnectionArgs) =>
      connection(
        [...fulfillment.events].sort((a, b) => a.happenedAt.localeCompare(b.happenedAt)),
        args,
        (event) => event.id,
        (event) => fulfillmentEventView(event),
      ),
    fulfillmentLineItems: (args: ConnectionArgs) =>
      connection(
        lineItems,
        args,
        ({ index }) => String(index),
        ({ entry, index }) => {
          const line = order.lineItems.find((candidate) => candidate.id === entry.lineItemId)!;
          const shares = lineUnitShares(order, line);
          const original = orderMinor(order, line.originalUnitPrice) * entry.quantity;
          return {
            __typename: "FulfillmentLineItem",
            id: `gid://shopify/FulfillmentLineItem/${numericId(fulfillment.id)}${index}`,
            discountedTotal: shopMoneyScalar(pricing, shares.subtotal(entry.quantity)),
            discountedTotalSet: bag(pricing, shares.subtotal(entry.quantity)),
            lineItem: lineItemView(shop, order, line),
            originalTotal: shopMoneyScalar(pricing, original),
            originalTotalSet: bag(pricing, original),
            quantity: entry.quantity,
          };
        },
      ),
    fulfillmentOrders: (args: ConnectionArgs) =>
      connection(
        fulfillmentOrdersOf(order).filter((fo) => (fulfillment.fulfillmentOrderIds ?? []).includes(fo.id)),
        args,
        (fo) => fo.id,
        (fo) => fulfillmentOrderView(shop, order, fo),
      ),
    id: fulfillment.id,
    inTransitAt: inTransit?.happenedAt ?? null,
    legacyResourceId: numericId(fulfillment.id),
    location: locationView(shop, fulfillment.locationId),
    name: fulfillment.name ?? order.name,
    order: () => orderView(shop, order),
    originAddress: null,
    requiresShipping: fulfillment.lineItems.some(
      (entry) => order.lineItems.find((line) => line.id === entry.lineItemId)?.requiresShipping,
    ),
    service: null,
    status: fulfillment.status,
    totalQuantity: fulfillment.lineItems.reduce((sum, entry) => sum + entry.quantity, 0),
    trackingInfo: (args: { first?: number | null }) =>
      (fulfillment.trackingNumber || fulfillment.trackingUrl || fulfillment.trackingCompany
        ? [
            {
              company: fulfillment.trackingCompany,
              number: fulfillment.trackingNumber,
              url: fulfillment.trackingUrl,
            },
          ]
        : []
      ).slice(0, args.first ?? undefined),
    updatedAt: fulfillment.updatedAt,
  };
}

export function fulfillmentEventView(
  event: Fulfillment["events"][number] & { estimatedDeliveryAt?: string | null },
): View {
  return {
    __typename: "FulfillmentEvent",
    address1: null,
    city: null,
    country: null,
    createdAt: event.happenedAt,
    estimatedDeliveryAt: event.estimatedDeliveryAt ?? null,
    happenedAt: event.happenedAt,
    id: event.id,
    latitude: null,
    longitude: null,
    message: event.message,
    province: null,
    status: event.status,
    zip: null,
  };
}

export function fulfillmentOrderView(shop: ShopState, order: Order, fo: FulfillmentOrder): View {
  const location = shop.locations.find((candidate) => candidate.id === fo.locationId);
  const pricing = orderPricing(order);
  return {
    __typename: "FulfillmentOrder",
    assignedLocation: {
      address1: null,
      address2: null,
      city: null,
      countryCode: location?.countryCode ?? "US",
      location: locationView(shop, fo.locationId),
      name: location?.name ?? "",
      phone: null,
      province: null,
      zip: null,
    },
    channelId: null,
    createdAt: fo.createdAt,
    deliveryMethod: null,
    destination: null,
    fulfillAt: null,
    fulfillBy: null,
    fulfillmentHolds: [],
    fulfillmentOrdersForMerge: emptyConnection,
    fulfillments: (args: ConnectionArgs) =>
      connection(
        order.fulfillments.filter((fulfillment) => (fulfillment.fulfillmentOrderIds ?? []).includes(fo.id)),
        args,
        (fulfillment) => fulfillment.id,
        (fulfillment) => fulfillmentView(shop, order, fulfillment),
      ),
    id: fo.id,
    internationalDuties: null,
    lineItems: (args: ConnectionArgs) =>
      connection(
        fo.lineItems,
        args,
        (item) => item.id,
        (item) => {
          const line = order.lineItems.find((candidate) => candidate.id === item.lineItemId)!;
          const found = line.variantId ? findVariant(shop, line.variantId) : null;
          return {
            __typename: "FulfillmentOrderLineItem",
            financialSummaries: [],
            id: item.id,
            image: null,
            inventoryItemId: found?.variant.inventoryItem.id ?? null,
            lineItem: lineItemView(shop, order, line),
            originalUnitPriceSet: bag(pricing, orderMinor(order, line.originalUnitPrice)),
            productTitle: line.title,
            remainingQuantity: item.remainingQuantity,
            requiresShipping: line.requiresShipping,
            sku: line.sku,
            totalQuantity: item.totalQuantity,
            variant: variantRefView(shop, line.variantId),
            variantTitle: line.variantTitle,
            vendor: line.vendor ?? null,
            warnings: [],
            weight: null,
          };
        },
      ),
    merchantRequests: emptyConnection,
    order: () => orderView(shop, order),
    orderId: order.id,
    orderName: order.name,
    orderProcessedAt: order.processedAt,
    remainingLineItemsWeight: null,
    requestStatus: fo.requestStatus,
    status: fo.status,
    supportedActions: [],
    updatedAt: fo.updatedAt,
  };
}

export function refundView(shop: ShopState, order: Order, refund: Refund): View {
  const pricing = orderPricing(order);
  const amount = orderMinor(order, refund.amount);
  return {
    __typename: "Refund",
    createdAt: refund.createdAt,
    duties: [],
    id: refund.id,
    legacyResourceId: numericId(refund.id),
    note: refund.note,
    order: () => orderView(shop, order),
    orderAdjustments: emptyConnection,
    processedAt: refund.createdAt,
    refundLineItems: (args: ConnectionArgs) =>
      connection(
        refund.lineItems.map((entry, index) => ({ entry, index })),
        args,
        ({ index }) => String(index),
        ({ entry, index }) => {
          const line = order.lineItems.find((candidate) => candidate.id === entry.lineItemId)!;
          const shares = lineUnitShares(order, line);
          const subtotal = shares.subtotal(entry.quantity);
          const tax = shares.tax(entry.quantity);
          const unitPrice = Math.round(subtotal / Math.max(1, entry.quantity));
          return {
            id: `gid://shopify/RefundLineItem/${numericId(refund.id)}${index}`,
            lineItem: lineItemView(shop, order, line),
            location: null,
            price: shopMoneyScalar(pricing, unitPrice),
            priceSet: bag(pricing, unitPrice),
            quantity: entry.quantity,
            restockType: entry.restockType,
            restocked: entry.restockType !== "NO_RESTOCK",
            subtotal: shopMoneyScalar(pricing, subtotal),
            subtotalSet: bag(pricing, subtotal),
            totalTax: shopMoneyScalar(pricing, tax),
            totalTaxSet: bag(pricing, tax),
          };
        },
      ),
    refundShippingLines: emptyConnection,
    return: null,
    staffMember: null,
    totalRefunded: shopMoneyV2(pricing, amount),
    totalRefundedSet: bag(pricing, amount),
    transactions: (args: ConnectionArgs) =>
      connection(
        order.transactions.filter((transaction) => refund.transactionIds.includes(transaction.id)),
        args,
        (transaction) => transaction.id,
        (transaction) => transactionView(shop, order, transaction),
      ),
    updatedAt: refund.createdAt,
  };
}

export function orderView(shop: ShopState, order: Order): View {
  const pricing = orderPricing(order);
  const balances = orderBalances(order);
  const m = (minor: number) => bag(pricing, minor);
  const scalar = (minor: number) => shopMoneyScalar(pricing, minor);
  const taxLines = aggregate([
    ...order.lineItems.flatMap((line) => orderTaxLines(order, line.taxLines)),
    ...order.shippingLines.flatMap((line) => orderTaxLines(order, line.taxLines)),
  ]);
  const refundedTaxFraction = (line: OrderLineItem) =>
    line.quantity === 0 ? 0 : line.currentQuantity / line.quantity;
  const currentTaxLines = aggregate([
    ...order.lineItems.flatMap((line) =>
      orderTaxLines(order, line.taxLines).map((tax) => ({
        ...tax,
        amount: Math.round(tax.amount * refundedTaxFraction(line)),
      })),
    ),
    ...order.shippingLines.flatMap((line) => orderTaxLines(order, line.taxLines)),
  ]);
  const orderDiscount = (order.discountApplications ?? [])
    .filter((application) => application.targetType === "LINE_ITEM")
    .reduce((sum, application) => sum + orderMinor(order, application.amount), 0);
  const subtotalQuantity = order.lineItems.reduce((sum, line) => sum + line.quantity, 0);
  const currentQuantity = order.lineItems.reduce((sum, line) => sum + line.currentQuantity, 0);
  const remaining = order.lineItems.reduce(
    (sum, line) => sum + Math.max(0, line.currentQuantity - line.fulfilledQuantity),
    0,
  );
  const financial = order.financialStatusUnset ? null : order.displayFinancialStatus;
  const fullyPaid = balances.outstanding <= 0 && balances.netPayment > 0;
  const number = Number(order.name.replace(/\D/g, "")) || 0;
  const transactionsFor = (args: { first?: number | null; capturable?: boolean | null }) =>
    order.transactions
      .filter(
        (transaction) =>
          !args.capturable || (transaction.kind === "AUTHORIZATION" && transaction.status === "SUCCESS"),
      )
      .slice(0, args.first ?? undefined)
      .map((transaction) => transactionView(shop, order, transaction));
  return {
    __typename: "Order",
    additionalFees: [],
    alerts: [],
    app: null,
    billingAddress: mailingAddressView(order.billingAddress, addressId(order.id, 2)),
    billingAddressMatchesShippingAddress: sameAddress(order.billingAddress, order.shippingAddress),
    canMarkAsPaid: !order.cancelledAt && balances.outstanding > 0,
    canNotifyCustomer: Boolean(order.email),
    cancelReason: order.cancelReason,
    cancellation: order.cancelledAt ? { staffNote: order.cancelStaffNote ?? null } : null,
    cancelledAt: order.cancelledAt,
    capturable: balances.capturable > 0,
    cartDiscountAmount: orderDiscount > 0 ? scalar(orderDiscount) : null,
    cartDiscountAmountSet: orderDiscount > 0 ? m(orderDiscount) : null,
    channel: null,
    channelInformation: null,
    clientIp: null,
    closed: order.closed,
    closedAt: order.closedAt ?? null,
    confirmationNumber: order.legacyResourceId
      .slice(-9)
      .padStart(9, "0")
      .replace(/\d/g, (digit) => "ABCDEFGHJK"[Number(digit)]),
    confirmed: true,
    createdAt: order.createdAt,
    currencyCode: order.currencyCode,
    currentCartDiscountAmountSet: m(orderDiscount),
    currentShippingPriceSet: m(balances.currentShipping),
    currentSubtotalLineItemsQuantity: currentQuantity,
    currentSubtotalPriceSet: m(balances.currentSubtotal),
    currentTaxLines: currentTaxLines.map((tax) => taxLineView(pricing, tax)),
    currentTotalAdditionalFeesSet: null,
    currentTotalDiscountsSet: m(balances.currentDiscounts),
    currentTotalDutiesSet: null,
    currentTotalPriceSet: m(balances.currentTotal),
    currentTotalTaxSet: m(balances.currentTax),
    currentTotalWeight: "0",
    customAttributes: order.customAttributes,
    customer: null,
    customerAcceptsMarketing: false,
    customerJourney: null,
    customerJourneySummary: null,
    customerLocale: null,
    discountApplications: (args: ConnectionArgs) =>
      connection(
        (order.discountApplications ?? []).map((_, index) => index),
        args,
        (index) => String(index),
        (index) => discountApplicationView(order, index),
      ),
    discountCode: order.discountCodes[0] ?? null,
    discountCodes: order.discountCodes,
    displayAddress: mailingAddressView(order.billingAddress ?? order.shippingAddress, addressId(order.id, 3)),
    displayFinancialStatus: financial,
    displayFulfillmentStatus: order.displayFulfillmentStatus,
    disputes: [],
    dutiesIncluded: false,
    edited: false,
    email: order.email,
    estimatedTaxes: false,
    events: emptyConnection,
    fulfillable: !order.cancelledAt && remaining > 0,
    fulfillmentOrders: (args: ConnectionArgs & { displayable?: boolean | null }) =>
      connection(
        fulfillmentOrdersOf(order).filter(
          (fo) => !args.displayable || (fo.status !== "CLOSED" && fo.status !== "CANCELLED"),
        ),
        args,
        (fo) => fo.id,
        (fo) => fulfillmentOrderView(shop, order, fo),
      ),
    fulfillments: (args: { first?: number | null }) =>
      order.fulfillments
        .slice(0, args.first ?? undefined)
        .map((fulfillment) => fulfillmentView(shop, order, fulfillment)),
    fulfillmentsCount: { count: order.fulfillments.length, precision: "EXACT" },
    fullyPaid,
    hasTimelineComment: false,
    id: order.id,
    landingPageDisplayText: null,
    landingPageUrl: null,
    legacyResourceId: order.legacyResourceId,
    lineItems: (args: ConnectionArgs) =>
      connection(
        order.lineItems,
        args,
        (line) => line.id,
        (line) => lineItemView(shop, order, line),
      ),
    localizationExtensions: emptyConnection,
    localizedFields: emptyConnection,
    merchantEditable: !order.cancelledAt,
    merchantEditableErrors: order.cancelledAt ? ["Order is cancelled"] : [],
    merchantOfRecordApp: null,
    metafield: null,
    metafields: emptyConnection,
    name: order.name,
    netPayment: scalar(balances.netPayment),
    netPaymentSet: m(balances.netPayment),
    nonFulfillableLineItems: (args: ConnectionArgs) =>
      connection(
        order.lineItems.filter((line) => line.currentQuantity === 0),
        args,
        (line) => line.id,
        (line) => lineItemView(shop, order, line),
      ),
    note: order.note,
    number,
    originalTotalAdditionalFeesSet: null,
    originalTotalDutiesSet: null,
    originalTotalPriceSet: m(balances.total),
    paymentGatewayNames: [...new Set(order.transactions.map((transaction) => transaction.gateway))],
    paymentTerms: null,
    phone: order.phone,
    physicalLocation: null,
    poNumber: null,
    presentmentCurrencyCode: order.presentmentCurrencyCode,
    processedAt: order.processedAt,
    productNetwork: false,
    publication: null,
    purchasingEntity: null,
    referralCode: null,
    referrerDisplayText: null,
    referrerUrl: null,
    refundDiscrepancySet: m(0),
    refundable: !order.cancelledAt && balances.netPayment > 0,
    refunds: (args: { first?: number | null }) =>
      order.refunds.slice(0, args.first ?? undefined).map((refund) => refundView(shop, order, refund)),
    registeredSourceUrl: null,
    requiresShipping: order.lineItems.some((line) => line.requiresShipping && line.currentQuantity > 0),
    restockable: order.lineItems.some((line) => line.variantId != null && line.currentQuantity > 0),
    retailLocation: null,
    returnStatus: "NO_RETURN",
    returns: emptyConnection,
    riskLevel: "LOW",
    risks: [],
    shippingAddress: mailingAddressView(order.shippingAddress, addressId(order.id, 1)),
    shippingLine: order.shippingLines.length > 0 ? orderShippingLineView(order, 0) : null,
    shippingLines: (args: ConnectionArgs) =>
      connection(
        order.shippingLines.map((_, index) => index),
        args,
        (index) => String(index),
        (index) => orderShippingLineView(order, index),
      ),
    shopifyProtect: null,
    sourceIdentifier: order.sourceIdentifier,
    sourceName: order.sourceName,
    staffMember: null,
    statusPageUrl: order.statusPageUrl,
    subtotalLineItemsQuantity: subtotalQuantity,
    subtotalPrice: scalar(orderMinor(order, order.subtotal)),
    subtotalPriceSet: m(orderMinor(order, order.subtotal)),
    tags: order.tags,
    taxExempt: order.taxExempt ?? false,
    taxLines: taxLines.map((tax) => taxLineView(pricing, tax)),
    taxesIncluded: order.taxesIncluded,
    test: order.test ?? false,
    totalCapturable: scalar(balances.capturable),
    totalCapturableSet: m(balances.capturable),
    totalDiscounts: scalar(orderMinor(order, order.totalDiscounts)),
    totalDiscountsSet: m(orderMinor(order, order.totalDiscounts)),
    totalOutstandingSet: m(balances.outstanding),
    totalPrice: scalar(balances.total),
    totalPriceSet: m(balances.total),
    totalReceived: scalar(balances.received),
    totalReceivedSet: m(balances.received),
    totalRefunded: scalar(balances.refunded),
    totalRefundedSet: m(balances.refunded),
    totalRefundedShippingSet: m(balances.refundedShipping),
    totalShippingPrice: scalar(orderMinor(order, order.totalShipping)),
    totalShippingPriceSet: m(orderMinor(order, order.totalShipping)),
    totalTax: scalar(orderMinor(order, order.totalTax)),
    totalTaxSet: m(orderMinor(order, order.totalTax)),
    totalTipReceived: shopMoneyV2(pricing, 0),
    totalTipReceivedSet: m(0),
    totalWeight: "0",
    transactions: transactionsFor,
    transactionsCount: { count: order.transactions.length, precision: "EXACT" },
    unpaid: balances.received === 0 && balances.capturable === 0,
    updatedAt: order.updatedAt,
  };
}
