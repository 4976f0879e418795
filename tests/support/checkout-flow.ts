import { expect } from "vitest";
import type { AcpVersion } from "../../app/acp/version-adapter";
import { buildRequests, type CreateInput } from "../../sandbox/agent/buyer";
import { DEMO_ACCOUNT_ID } from "../../sandbox/stripe/accounts";
import type { AcpStack } from "./acp-stack";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/**
 * Creates a session with these items, buyer and address, picks the first fulfillment option for
 * every item and returns the session, asserting it reached ready_for_payment.
 */
export async function readySession(stack: AcpStack, version: AcpVersion, input: CreateInput): Promise<Json> {
  const client = stack.client(version);
  const build = buildRequests(version);
  const created = await client.createCheckout(build.create(input));
  expect(created.status, created.rawBody).toBe(201);
  const session = created.body as Json;
  const option = (session.fulfillment_options as Json[])[0];
  const ready = await client.updateCheckout(
    session.id,
    build.update({ fulfillmentOptionId: option.id, itemIds: input.items.map((item) => item.id) }),
  );
  expect((ready.body as Json).status, JSON.stringify((ready.body as Json).messages)).toBe(
    "ready_for_payment",
  );
  return ready.body as Json;
}

/** The Stripe PaymentIntents the app made for a checkout session (the demo shop's account). */
export function paymentIntentsOf(stack: AcpStack, sessionId: string) {
  return stack.stripe
    .paymentIntents(DEMO_ACCOUNT_ID)
    .filter((intent) => intent.metadata?.checkout_session_id === sessionId);
}

/** The Shopify orders created for a checkout session. */
export function ordersOf(stack: AcpStack, sessionId: string) {
  return [...stack.shopify.shops.get(stack.shop)!.orders.values()].filter(
    (order) => order.sourceIdentifier === sessionId,
  );
}

/** Waits until the session's completion reaches a final step (completed, declined, voided). */
export async function settledCompletion(stack: AcpStack, sessionId: string, timeoutMs = 45_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const completion = await stack.db.completion.findUnique({ where: { sessionId } });
    if (completion && ["completed", "declined", "voided"].includes(completion.step)) return completion;
    if (Date.now() > deadline)
      throw new Error(`completion of ${sessionId} did not settle: ${completion?.step}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}
