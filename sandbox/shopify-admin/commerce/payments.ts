/** Recording payments on an existing order: orderCreateManualPayment and orderMarkAsPaid. */
import { GraphQLError } from "graphql";
import type { SandboxContext } from "../resolvers/types";
import { newGid, type Gid, type Order, type OrderTransaction } from "../store";
import { timestamp } from "./time";
import { toMinor } from "./money";
import { orderBalances, orderDecimal, refreshStatuses } from "./orders";
import { type MoneyInput, type Outcome, emitOrder, fail, touch } from "./outcome";

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
    processedAt: processedAt ?? timestamp(now),
    test: order.test ?? false,
  });
  refreshStatuses(order);
  touch(order, now);
  if (!wasPaid && order.displayFinancialStatus === "PAID") emitOrder(ctx, "orders/paid", order);
  emitOrder(ctx, "orders/updated", order);
}
