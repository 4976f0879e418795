/**
 * Draft orders, orders, cancellation, refunds and fulfillment for the sandbox Admin API (2026-04).
 * Thin: arguments in, one operation from ../commerce, a payload view out. Pending background jobs
 * (orderCancel) run before each field, so a read after a mutation sees what Shopify would show.
 */
import { GraphQLError, type GraphQLResolveInfo } from "graphql";
import { runPendingJobs, findJob } from "../commerce/jobs";
import {
  KEY_MISMATCH_MESSAGE,
  rejectIdempotency,
  requireIdempotencyKey,
  runIdempotent,
} from "../commerce/idempotency";
import { connection } from "../commerce/connection";
import { cancelOrderAsync } from "../commerce/cancel";
import {
  completeDraftOrder,
  createDraftOrder,
  deleteDraftOrder,
  updateDraftOrder,
} from "../commerce/draft-orders";
import {
  createFulfillment,
  createFulfillmentEvent,
  findFulfillment,
  findFulfillmentOrder,
  updateTracking,
} from "../commerce/fulfillments";
import { createOrder } from "../commerce/order-create";
import { checkDraftInputSize, checkInputSize, type CodedUserError } from "../commerce/outcome";
import { createManualPayment, markOrderAsPaid } from "../commerce/payments";
import { createRefund, type RefundInput } from "../commerce/refunds";
import { calculateDraftOrder, type DraftOrderInputLike } from "../commerce/pricing";
import { searchOrders } from "../commerce/search";
import {
  calculatedDraftOrderView,
  draftOrderView,
  fulfillmentEventView,
  fulfillmentOrderView,
  fulfillmentView,
  jobView,
  orderView,
  refundView,
  userErrors,
} from "../commerce/views";
import { requireScope } from "../format";
import type { ResolverModule, RootResolver, SandboxContext } from "./types";

interface FieldOptions {
  /** Access scope the field needs (Shopify answers ACCESS_DENIED without it). */
  scope?: string;
  /** Any one of these scopes will do (fulfillment orders come in three flavours). */
  anyScope?: string[];
  /** The field documents `@idempotent` support. */
  idempotent?: boolean;
}

/**
 * Wraps a root resolver: scope check, pending background jobs settled, `@idempotent` refused where
 * the mutation does not support it.
 */
function field(options: FieldOptions, resolve: RootResolver): RootResolver {
  return (args, ctx, info) => {
    if (options.scope) requireScope(ctx, info.fieldName, options.scope);
    if (options.anyScope) requireAnyScope(ctx, info.fieldName, options.anyScope);
    runPendingJobs(ctx.shop);
    if (!options.idempotent && info.operation.operation === "mutation") rejectIdempotency(info);
    return resolve(args, ctx, info);
  };
}

function requireAnyScope(ctx: SandboxContext, fieldName: string, scopes: string[]): void {
  const granted = ctx.shop.installation.scopes;
  if (scopes.some((scope) => granted.includes(scope))) return;
  const requiredAccess = `${scopes.map((scope) => `\`${scope}\` access scope`).join(" or ")}.`;
  throw new GraphQLError(`Access denied for ${fieldName} field. Required access: ${requiredAccess}`, {
    extensions: {
      code: "ACCESS_DENIED",
      documentation: "https://shopify.dev/api/usage/access-scopes",
      requiredAccess,
    },
  });
}

const READ_ORDERS = { scope: "read_orders" };
const WRITE_ORDERS = { scope: "write_orders" };
const WRITE_DRAFTS = { scope: "write_draft_orders" };
const FULFILLMENT_ORDERS = {
  anyScope: [
    "write_merchant_managed_fulfillment_orders",
    "write_assigned_fulfillment_orders",
    "write_third_party_fulfillment_orders",
  ],
};

const errorsOf = (errors: CodedUserError[]) => userErrors(errors);

function orderOrNull(ctx: SandboxContext, id: string) {
  const order = ctx.shop.orders.get(id);
  return order ? orderView(ctx.shop, order) : null;
}

const Query: Record<string, RootResolver> = {
  order: field(READ_ORDERS, ({ id }, ctx) => orderOrNull(ctx, id)),

  orders: field(READ_ORDERS, (args, ctx) =>
    connection(
      searchOrders(ctx.shop.orders.values(), args.query, args.sortKey),
      args,
      (order) => order.legacyResourceId,
      (order) => orderView(ctx.shop, order),
    ),
  ),

  draftOrder: field({ scope: "read_draft_orders" }, ({ id }, ctx) => {
    const draft = ctx.shop.draftOrders.get(id);
    return draft ? draftOrderView(ctx.shop, draft) : null;
  }),

  job: field({}, ({ id }, ctx) => {
    const job = findJob(ctx.shop, id);
    return job ? jobView(job) : null;
  }),

  fulfillment: field({ scope: "read_fulfillments" }, ({ id }, ctx) => {
    const found = findFulfillment(ctx.shop, id);
    return found ? fulfillmentView(ctx.shop, found.order, found.fulfillment) : null;
  }),

  fulfillmentOrder: field({ scope: "read_orders" }, ({ id }, ctx) => {
    const found = findFulfillmentOrder(ctx.shop, id);
    return found ? fulfillmentOrderView(ctx.shop, found.order, found.fo) : null;
  }),

  refund: field(READ_ORDERS, ({ id }, ctx) => {
    for (const order of ctx.shop.orders.values()) {
      const refund = order.refunds.find((candidate) => candidate.id === id);
      if (refund) return refundView(ctx.shop, order, refund);
    }
    return null;
  }),
};

const Mutation: Record<string, RootResolver> = {
  draftOrderCalculate: field(WRITE_DRAFTS, ({ input }, ctx, info: GraphQLResolveInfo) => {
    checkDraftInputSize(info.fieldName, input);
    const result = calculateDraftOrder(ctx.shop, input as DraftOrderInputLike, { now: ctx.now() });
    return result.ok
      ? {
          calculatedDraftOrder: calculatedDraftOrderView(ctx.shop, result.calculation, input),
          userErrors: [],
        }
      : { calculatedDraftOrder: null, userErrors: errorsOf(result.userErrors) };
  }),

  draftOrderCreate: field(WRITE_DRAFTS, ({ input }, ctx, info) => {
    checkDraftInputSize(info.fieldName, input);
    const result = createDraftOrder(ctx, input);
    return result.ok
      ? { draftOrder: draftOrderView(ctx.shop, result.value), userErrors: [] }
      : { draftOrder: null, userErrors: errorsOf(result.userErrors) };
  }),

  draftOrderUpdate: field(WRITE_DRAFTS, ({ id, input }, ctx, info) => {
    checkDraftInputSize(info.fieldName, input);
    const result = updateDraftOrder(ctx, id, input);
    return result.ok
      ? { draftOrder: draftOrderView(ctx.shop, result.value), userErrors: [] }
      : { draftOrder: null, userErrors: errorsOf(result.userErrors) };
  }),

  draftOrderDelete: field(WRITE_DRAFTS, ({ input }, ctx) => {
    const result = deleteDraftOrder(ctx, input.id);
    return result.ok
      ? { deletedId: result.value, userErrors: [] }
      : { deletedId: null, userErrors: errorsOf(result.userErrors) };
  }),

  draftOrderComplete: field(WRITE_DRAFTS, ({ id, paymentGatewayId, sourceName, paymentPending }, ctx) => {
    const result = completeDraftOrder(ctx, id, { paymentGatewayId, sourceName, paymentPending });
    if (result.ok) return { draftOrder: draftOrderView(ctx.shop, result.value), userErrors: [] };
    return {
      draftOrder: result.draft ? draftOrderView(ctx.shop, result.draft) : null,
      userErrors: errorsOf(result.userErrors),
    };
  }),

  orderCreate: field(WRITE_ORDERS, ({ order, options }, ctx, info) => {
    checkInputSize(info.fieldName, ["order", "lineItems"], order.lineItems?.length ?? 0, 250);
    checkInputSize(info.fieldName, ["order", "tags"], order.tags?.length ?? 0, 250);
    const result = createOrder(ctx, order, options);
    return result.ok
      ? { order: orderView(ctx.shop, result.value), userErrors: [] }
      : { order: null, userErrors: errorsOf(result.userErrors) };
  }),

  orderCreateManualPayment: field(WRITE_ORDERS, ({ id, amount, paymentMethodName, processedAt }, ctx) => {
    const result = createManualPayment(ctx, { id, amount, paymentMethodName, processedAt });
    return result.ok
      ? { order: orderView(ctx.shop, result.value), userErrors: [] }
      : { order: null, userErrors: errorsOf(result.userErrors) };
  }),

  orderMarkAsPaid: field(WRITE_ORDERS, ({ input }, ctx) => {
    const result = markOrderAsPaid(ctx, input.id);
    return result.ok
      ? { order: orderView(ctx.shop, result.value), userErrors: [] }
      : { order: null, userErrors: errorsOf(result.userErrors) };
  }),

  orderCancel: field(
    WRITE_ORDERS,
    ({ orderId, reason, restock, notifyCustomer, refund, refundMethod, staffNote }, ctx) => {
      const { job, userErrors: errors } = cancelOrderAsync(ctx, orderId, {
        reason,
        restock,
        notifyCustomer,
        refund,
        refundMethod,
        staffNote,
      });
      // The deprecated `userErrors` mirrors `orderCancelUserErrors` (observed).
      return {
        job: job ? jobView(job) : null,
        orderCancelUserErrors: errorsOf(errors),
        userErrors: errorsOf(errors),
      };
    },
  ),

  refundCreate: field({ ...WRITE_ORDERS, idempotent: true }, ({ input }, ctx, info) => {
    const key = requireIdempotencyKey(info, ctx);
    const run = runIdempotent(ctx.shop, info.fieldName, key, input, ctx.now(), () => {
      const result = createRefund(ctx, input as RefundInput);
      return result.ok
        ? {
            refundId: result.value.refund.id,
            orderId: result.value.order.id,
            userErrors: [] as CodedUserError[],
          }
        : { refundId: null, orderId: result.order?.id ?? null, userErrors: result.userErrors };
    });
    if (run.kind === "mismatch") {
      return {
        refund: null,
        order: null,
        userErrors: errorsOf([{ field: null, message: KEY_MISMATCH_MESSAGE }]),
      };
    }
    const { refundId, orderId, userErrors: errors } = run.outcome;
    const order = orderId ? ctx.shop.orders.get(orderId) : undefined;
    const refund = order?.refunds.find((candidate) => candidate.id === refundId);
    return {
      refund: order && refund ? refundView(ctx.shop, order, refund) : null,
      order: order ? orderView(ctx.shop, order) : null,
      userErrors: errorsOf(errors),
    };
  }),

  fulfillmentCreate: field(FULFILLMENT_ORDERS, ({ fulfillment }, ctx) => {
    const result = createFulfillment(ctx, fulfillment);
    return result.ok
      ? { fulfillment: fulfillmentView(ctx.shop, result.order!, result.value), userErrors: [] }
      : { fulfillment: null, userErrors: errorsOf(result.userErrors) };
  }),

  fulfillmentTrackingInfoUpdate: field(FULFILLMENT_ORDERS, ({ fulfillmentId, trackingInfoInput }, ctx) => {
    const result = updateTracking(ctx, fulfillmentId, trackingInfoInput);
    if (!result.ok) return { fulfillment: null, userErrors: errorsOf(result.userErrors) };
    const found = findFulfillment(ctx.shop, fulfillmentId)!;
    return { fulfillment: fulfillmentView(ctx.shop, found.order, found.fulfillment), userErrors: [] };
  }),

  fulfillmentEventCreate: field({ scope: "write_fulfillments" }, ({ fulfillmentEvent }, ctx) => {
    const result = createFulfillmentEvent(ctx, fulfillmentEvent);
    return result.ok
      ? {
          fulfillmentEvent: fulfillmentEventView({
            ...result.value.event,
            estimatedDeliveryAt: result.value.fulfillment.estimatedDeliveryAt,
          }),
          userErrors: [],
        }
      : { fulfillmentEvent: null, userErrors: errorsOf(result.userErrors) };
  }),
};

/** The commerce part of the sandbox Admin API: merge into the server's resolver registry. */
export const commerceResolvers: ResolverModule = { Query, Mutation };
