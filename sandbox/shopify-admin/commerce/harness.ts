/**
 * Runs GraphQL documents against the commerce resolvers with the vendored 2026-04 schema, the way
 * the sandbox server does (root fields dispatched to the module, views resolved by graphql-js), but
 * stricter: a field a view does not define is an error, so a gap shows up in tests, not in the app.
 */
import { defaultFieldResolver, graphql, type ExecutionResult, type GraphQLFieldResolver } from "graphql";
import { commerceResolvers } from "../resolvers/commerce";
import type { SandboxContext } from "../resolvers/types";
import { adminSchema } from "../schema";
import type { ShopState } from "../store";
import { runPendingJobs } from "./jobs";

export interface Webhook {
  topic: string;
  payload: Record<string, unknown>;
}

export interface Harness {
  shop: ShopState;
  webhooks: Webhook[];
  clock: { now: Date };
  context: SandboxContext;
  /** Executes a document; fails the test on GraphQL errors unless `allowErrors`. */
  run<T = Record<string, unknown>>(
    source: string,
    variables?: Record<string, unknown>,
    options?: { allowErrors?: boolean; apiVersion?: string },
  ): Promise<ExecutionResult<T> & { data: T }>;
  advance(ms: number): void;
  topics(): string[];
  settleJobs(): void;
}

const strictFieldResolver: GraphQLFieldResolver<unknown, unknown> = (source, args, context, info) => {
  if (source && typeof source === "object" && !(info.fieldName in source)) {
    throw new Error(`The sandbox does not implement ${info.parentType.name}.${info.fieldName}`);
  }
  return defaultFieldResolver(source, args, context, info);
};

export function makeHarness(shop: ShopState, start = new Date("2026-06-01T12:00:00Z")): Harness {
  const webhooks: Webhook[] = [];
  const clock = { now: new Date(start) };
  const context: SandboxContext = {
    shop,
    now: () => new Date(clock.now),
    emitWebhook: (topic, payload) => webhooks.push({ topic, payload }),
    baseUrl: "http://127.0.0.1:0",
    apiVersion: "2026-04",
  };
  const rootValue = { ...commerceResolvers.Query, ...commerceResolvers.Mutation };
  return {
    shop,
    webhooks,
    clock,
    context,
    async run(source, variables, options = {}) {
      const result = await graphql({
        schema: adminSchema(),
        source,
        rootValue,
        contextValue: { ...context, apiVersion: options.apiVersion ?? context.apiVersion },
        variableValues: variables,
        fieldResolver: strictFieldResolver,
      });
      if (result.errors?.length && !options.allowErrors) {
        throw new Error(`GraphQL errors: ${result.errors.map((error) => error.message).join("; ")}`);
      }
      return JSON.parse(JSON.stringify(result)) as never;
    },
    advance(ms) {
      clock.now = new Date(clock.now.getTime() + ms);
    },
    topics() {
      return webhooks.map((webhook) => webhook.topic);
    },
    settleJobs() {
      runPendingJobs(shop);
    },
  };
}
