import { expect } from "vitest";
import type { AcpVersion } from "../../app/acp/version-adapter";
import { buildRequests, type CreateInput } from "../../sandbox/agent/buyer";
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
