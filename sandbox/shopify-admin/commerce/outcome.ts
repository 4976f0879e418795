/**
 * Shared by the commerce operations: the user-error outcome type, input-size guards and small
 * helpers. User-error messages quoted from live 2026-04 responses are marked "observed" where they
 * are produced; the others follow Shopify's wording style but are not verbatim.
 */
import { GraphQLError } from "graphql";
import type { SandboxContext } from "../resolvers/types";
import type { MailingAddress, Order } from "../store";
import { timestamp } from "./time";
import {
  MAX_DRAFT_LINE_ITEMS,
  type DraftOrderInputLike,
  type MailingAddressInputLike,
  type UserErrorLike,
} from "./pricing";
import { orderPayload } from "./webhooks";

export interface CodedUserError extends UserErrorLike {
  code?: string | null;
}

export type Outcome<T> = { ok: true; value: T } | { ok: false; userErrors: CodedUserError[] };

export const fail = <T>(...userErrors: CodedUserError[]): Outcome<T> => ({ ok: false, userErrors });

/** Deep copy into plain JSON (GraphQL input objects may have null prototypes). */
export function plain<T>(value: T): T {
  return value === undefined ? value : (JSON.parse(JSON.stringify(value)) as T);
}

export function touch(order: Order, now: Date): void {
  order.updatedAt = timestamp(now);
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

export function addressFrom(input: MailingAddressInputLike | null | undefined): MailingAddress | null {
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

export interface MoneyInput {
  amount: string;
  currencyCode: string;
}
