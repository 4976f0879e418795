/** draftOrderCreate / Update / Delete / Complete: drafts keep their input and are priced on read. */
import type { SandboxContext } from "../resolvers/types";
import { newGid, numericId, type DraftOrder, type Gid } from "../store";
import { timestamp } from "./time";
import {
  adjustInventory,
  buildOrder,
  nextDraftOrderName,
  type DiscountApplicationSpec,
  type LineSpec,
  type OrderSpec,
  type TransactionSpec,
} from "./orders";
import { calculateDraftOrder, type Calculation, type DraftOrderInputLike } from "./pricing";
import { rememberCalculation } from "./views";
import { draftOrderPayload } from "./webhooks";
import { type Outcome, addressFrom, emitOrder, fail, plain } from "./outcome";

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
    createdAt: timestamp(now),
    updatedAt: timestamp(now),
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
  draft.updatedAt = timestamp(now);
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
  draft.completedAt = timestamp(now);
  draft.updatedAt = timestamp(now);
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
