import type { CheckoutSession } from "../checkout/model";
import { toDecimalString } from "../lib/money";
import { StoreUnavailableError } from "../checkout/gateway";
import { adminGraphql } from "./admin.server";

const FIND_ORDER = `#graphql
  query AcpFindOrder($query: String!) {
    orders(first: 1, query: $query) {
      nodes {
        id
        name
        statusPageUrl
        displayFinancialStatus
      }
    }
  }
`;

const CREATE_ORDER = `#graphql
  mutation AcpCreateOrder($order: OrderCreateOrderInput!, $options: OrderCreateOptionsInput) {
    orderCreate(order: $order, options: $options) {
      order {
        id
        name
        statusPageUrl
        displayFinancialStatus
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

const RECORD_PAYMENT = `#graphql
  mutation AcpRecordPayment($id: ID!, $method: String!) {
    orderCreateManualPayment(id: $id, paymentMethodName: $method) {
      order {
        id
        displayFinancialStatus
      }
      userErrors {
        field
        message
        code
      }
    }
  }
`;

const ORDER_FINANCIAL_STATUS = `#graphql
  query AcpOrderFinancialStatus($id: ID!) {
    order(id: $id) {
      id
      displayFinancialStatus
    }
  }
`;

const CANCEL_ORDER = `#graphql
  mutation AcpCancelOrder($orderId: ID!, $staffNote: String) {
    orderCancel(
      orderId: $orderId
      reason: OTHER
      restock: true
      notifyCustomer: false
      refundMethod: { originalPaymentMethodsRefund: false }
      staffNote: $staffNote
    ) {
      job {
        id
      }
      orderCancelUserErrors {
        field
        message
        code
      }
    }
  }
`;

export interface ShopifyOrderRef {
  id: string;
  name: string;
  statusPageUrl: string;
  displayFinancialStatus: string | null;
}

/** The payment method name merchants see on agent orders in the Shopify admin. */
export const PAYMENT_METHOD_NAME = "Stripe (Agentic Commerce)";
/** Orders from agents carry this source so the merchant can filter and report on them. */
export const ORDER_SOURCE_NAME = "agentic-commerce";

/** The order created for a checkout session earlier, if any (sourceIdentifier = session id). */
export async function findOrderForSession(shop: string, sessionId: string): Promise<ShopifyOrderRef | null> {
  const data = await adminGraphql<{ orders: { nodes: ShopifyOrderRef[] } }>(shop, FIND_ORDER, {
    query: `source_identifier:${sessionId}`,
  });
  return data.orders.nodes[0] ?? null;
}

export type CreateOrderResult =
  | { ok: true; order: ShopifyOrderRef }
  | { ok: false; reason: "out_of_stock" | "rejected"; message: string };

/**
 * Creates the Shopify order for a paid-but-not-captured session: Shopify's own order, with the
 * lines, prices, discounts, shipping, taxes and fees the buyer agreed to, attributed to the agent
 * channel, inventory decremented per the store's policy. It is created unpaid; the payment is
 * recorded only after the capture (no order marked paid without a capture).
 */
export async function createOrderForSession(
  shop: string,
  session: CheckoutSession,
  agentName: string,
): Promise<CreateOrderResult> {
  const currency = session.currency.toUpperCase();
  const money = (minor: number) => ({
    shopMoney: { amount: toDecimalString(minor, currency), currencyCode: currency },
  });
  const email = session.buyer?.email ?? session.fulfillmentDetails?.email ?? null;
  const address = session.fulfillmentDetails?.address ?? null;
  const [firstName, ...lastNames] = (address?.name ?? "").trim().split(/\s+/);
  const mailing = address
    ? {
        firstName: lastNames.length ? firstName : (session.buyer?.firstName ?? null),
        lastName: lastNames.length ? lastNames.join(" ") : firstName || (session.buyer?.lastName ?? null),
        address1: address.lineOne,
        address2: address.lineTwo || null,
        city: address.city,
        provinceCode: address.state || null,
        countryCode: address.country,
        zip: address.postalCode,
        phone: session.fulfillmentDetails?.phoneNumber ?? null,
      }
    : null;
  const selected = session.fulfillmentOptions.find(
    (option) => option.id === session.selectedFulfillmentOptionId,
  );
  const taxLine = (tax: number, base: number) =>
    tax > 0 ? [{ title: "Tax", rate: base > 0 ? (tax / base).toFixed(4) : "0", priceSet: money(tax) }] : [];
  // Unit prices as quoted; discounts go on the order's discount so Shopify's total equals the charge.
  // orderCreate defaults requiresShipping to false even for a variant: say it, or nothing ships.
  const shipped = selected?.type === "shipping";
  const lineItems = session.lines.map((line) => ({
    variantId: line.variantId,
    quantity: line.quantity,
    priceSet: money(line.unitAmount),
    requiresShipping: line.requiresShipping ?? shipped,
    taxLines: taxLine(line.tax, line.subtotal),
  }));
  const feeLines = session.totals.fees.map((fee) => ({
    title: fee.label,
    quantity: 1,
    priceSet: money(fee.amount),
    requiresShipping: false,
    taxable: false,
  }));
  const itemsDiscount = session.totals.itemsDiscount + session.totals.discount;
  const order: Record<string, unknown> = {
    currency,
    presentmentCurrency: currency,
    email,
    phone: session.buyer?.phoneNumber ?? null,
    shippingAddress: mailing,
    billingAddress: mailing,
    lineItems: [...lineItems, ...feeLines],
    shippingLines:
      selected && selected.type === "shipping"
        ? [
            {
              title: selected.title,
              code: selected.id,
              priceSet: money(session.totals.taxesIncluded ? selected.total : selected.subtotal),
              taxLines: taxLine(selected.tax, selected.subtotal),
            },
          ]
        : [],
    discountCode:
      itemsDiscount > 0
        ? {
            itemFixedDiscountCode: {
              code:
                session.discounts.applied.map((discount) => discount.code ?? discount.title).join(", ") ||
                "Agent discount",
              amountSet: money(itemsDiscount),
            },
          }
        : null,
    taxesIncluded: Boolean(session.totals.taxesIncluded),
    financialStatus: "PENDING",
    sourceName: ORDER_SOURCE_NAME,
    sourceIdentifier: session.id,
    tags: ["agentic-commerce", `agent:${agentName}`.slice(0, 40)],
    note: `Placed by ${agentName} through the Agentic Commerce Protocol (checkout ${session.id}).`,
    customAttributes: [
      { key: "acp_checkout_session_id", value: session.id },
      { key: "acp_agent", value: agentName },
    ],
    customer: email
      ? {
          toUpsert: {
            email,
            firstName: session.buyer?.firstName ?? null,
            lastName: session.buyer?.lastName ?? null,
          },
        }
      : null,
  };
  const data = await adminGraphql<{
    orderCreate: {
      order: ShopifyOrderRef | null;
      userErrors: { field: string[] | null; message: string; code: string | null }[];
    };
  }>(
    shop,
    CREATE_ORDER,
    { order, options: { inventoryBehaviour: "DECREMENT_OBEYING_POLICY", sendReceipt: true } },
    // No idempotency key for orderCreate: a lost answer is resolved by looking the order up first.
    { retryTransient: false },
  );
  const result = data.orderCreate;
  if (result.order) return { ok: true, order: result.order };
  // Development stores accept 5 orders a minute: a temporary refusal, retried by recovery.
  if (result.userErrors.some((error) => /too many attempts|try again later/i.test(error.message))) {
    throw new StoreUnavailableError("Shopify is rate-limiting order creation");
  }
  const message =
    result.userErrors.map((error) => error.message).join("; ") || "Shopify did not create the order";
  const outOfStock = result.userErrors.some((error) =>
    /stock|inventory|available/i.test(`${error.code} ${error.message}`),
  );
  return { ok: false, reason: outOfStock ? "out_of_stock" : "rejected", message };
}

/**
 * Records the captured Stripe payment on the order, for its full outstanding balance (which is
 * the captured amount: the order was created with exactly the charged total). The `amount`
 * argument is reserved to Shopify Plus stores, so it is not sent.
 */
export async function recordCapturedPayment(shop: string, orderId: string, paymentIntentId: string) {
  const data = await adminGraphql<{
    orderCreateManualPayment: {
      order: { id: string; displayFinancialStatus: string } | null;
      userErrors: { message: string }[];
    };
  }>(shop, RECORD_PAYMENT, { id: orderId, method: `${PAYMENT_METHOD_NAME} ${paymentIntentId}` });
  const result = data.orderCreateManualPayment;
  if (!result.order) {
    // An earlier attempt may have recorded it and lost the answer: a paid order is what we want.
    const current = await adminGraphql<{ order: { id: string; displayFinancialStatus: string } | null }>(
      shop,
      ORDER_FINANCIAL_STATUS,
      { id: orderId },
    );
    if (current.order?.displayFinancialStatus === "PAID") return current.order;
    throw new Error(
      `Shopify did not record the payment: ${result.userErrors.map((e) => e.message).join("; ")}`,
    );
  }
  return result.order;
}

export async function cancelUnpaidOrder(shop: string, orderId: string, note: string) {
  const data = await adminGraphql<{
    orderCancel: { job: { id: string } | null; orderCancelUserErrors: { message: string }[] };
  }>(shop, CANCEL_ORDER, { orderId, staffNote: note });
  if (data.orderCancel.orderCancelUserErrors.length) {
    throw new Error(data.orderCancel.orderCancelUserErrors.map((error) => error.message).join("; "));
  }
}
