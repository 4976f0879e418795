import { createReadStream } from "node:fs";
import { randomBytes, randomUUID, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { setTimeout as sleep } from "node:timers/promises";
import {
  execute,
  getOperationAST,
  GraphQLError,
  Kind,
  parse,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLFieldResolver,
  type GraphQLTypeResolver,
  type OperationDefinitionNode,
} from "graphql";
import { handleAdminHost } from "./admin-host";
import { BULK_ROOT_ALIAS, BulkRunner, bulkResolvers } from "./bulk";
import { createControl, ControlError, type SandboxControl } from "./control";
import { actualQueryCost, LeakyBucket, MAX_SINGLE_QUERY_COST, requestedQueryCost } from "./cost";
import {
  coerceVariablesLikeShopify,
  shopifyParseError,
  validateLikeShopify,
  type ShopifyGraphQLError,
} from "./errors";
import { faultBody, FaultRegistry, type Fault } from "./faults";
import { mergeResolverModules, resolverModules, type ResolverRegistry } from "./resolvers/index";
import type { ResolverModule, SandboxContext, SearchWarning } from "./resolvers/types";
import { adminSchema, SANDBOX_API_VERSION } from "./schema";
import type { ShopState } from "./store";
import { WebhookDispatcher, type WebhookRetryOptions } from "./webhooks";

/**
 * A real HTTP stand-in for the Shopify Admin GraphQL API (2026-04) on 127.0.0.1: the app's
 * unchanged Shopify client talks to it through the sandbox transport. Every document is parsed,
 * validated and executed against the vendored schema; answers carry Shopify's cost extension,
 * errors use Shopify's shapes, and tests can inject faults, move the clock and read webhooks.
 */

export interface ShopifySandboxOptions {
  /** 0 (default) picks a free port. */
  port?: number;
  shops?: ShopState[];
  webhookRetry?: WebhookRetryOptions;
  /** Base clock; `control.advanceClock` moves the sandbox clock ahead of it. */
  now?: () => Date;
  /** Bearer token for `POST /_sandbox/control`; random when omitted. */
  controlToken?: string;
  /** Leaky bucket per shop (Shopify Standard plan: 2000 points, 100/s). */
  rateLimit?: { maximumAvailable?: number; restoreRate?: number };
  /** Extra resolver modules (merged after the built-in ones; a duplicate field is an error). */
  modules?: ResolverModule[];
}

export interface ShopifySandbox {
  url: string;
  port: number;
  shops: Map<string, ShopState>;
  addShop(shop: ShopState): void;
  faults: FaultRegistry;
  webhooks: WebhookDispatcher;
  control: SandboxControl;
  controlToken: string;
  /** Bulk operations: `settle()` waits for every running one. */
  bulk: { settle(): Promise<void> };
  /** The shop's rate-limit bucket (tests drain it to provoke THROTTLED). */
  bucket(shop: string): LeakyBucket;
  now(): Date;
  stop(): Promise<void>;
}

type Json = Record<string, unknown>;
type Context = SandboxContext & { bulkItem?: unknown };

const NOT_FOUND = { errors: "Not Found" };
const INVALID_TOKEN = {
  errors: "[API] Invalid API key or access token (unrecognized login or wrong password)",
};
const MISSING_QUERY = { errors: { query: "Required parameter missing or invalid" } };
const THROTTLED_DOCS = "https://shopify.dev/api/usage/rate-limits";
const MAX_BODY_BYTES = 10 * 1024 * 1024;

export async function startShopifySandbox(options: ShopifySandboxOptions = {}): Promise<ShopifySandbox> {
  const schema = adminSchema();
  const queryType = schema.getQueryType()!;
  const mutationType = schema.getMutationType()!;
  const shops = new Map<string, ShopState>();
  for (const shop of options.shops ?? []) shops.set(shop.domain, shop);

  const baseNow = options.now ?? (() => new Date());
  let clockOffsetMs = 0;
  const now = () => new Date(baseNow().getTime() + clockOffsetMs);

  const buckets = new Map<string, LeakyBucket>();
  const bucket = (domain: string) => {
    let found = buckets.get(domain);
    if (!found) {
      found = new LeakyBucket(
        options.rateLimit?.maximumAvailable ?? 2000,
        options.rateLimit?.restoreRate ?? 100,
        now,
      );
      buckets.set(domain, found);
    }
    return found;
  };

  const faults = new FaultRegistry();
  const webhooks = new WebhookDispatcher(options.webhookRetry, now);
  const controlToken = options.controlToken ?? randomBytes(16).toString("hex");
  let baseUrl = "";

  const context = (shop: ShopState, searchWarnings: SearchWarning[] = []): SandboxContext => ({
    shop,
    now,
    emitWebhook: (topic, payload) => void webhooks.emit(shop, topic, payload),
    baseUrl,
    apiVersion: SANDBOX_API_VERSION,
    searchWarnings,
  });

  // Root fields go to the registry; every other field reads the view (value or function).
  const fieldResolver: GraphQLFieldResolver<unknown, Context> = (source, args, ctx, info) => {
    if (info.parentType === queryType || info.parentType === mutationType) {
      if (info.path.key === BULK_ROOT_ALIAS && "bulkItem" in ctx) return ctx.bulkItem;
      const kind = info.parentType === mutationType ? "Mutation" : "Query";
      const resolver = registry[kind][info.fieldName];
      if (!resolver) {
        throw new GraphQLError(`The sandbox does not implement ${kind}.${info.fieldName}`, {
          extensions: { code: "SANDBOX_NOT_IMPLEMENTED" },
        });
      }
      return resolver(args, ctx, info);
    }
    if (source === null || typeof source !== "object" || !(info.fieldName in source)) {
      throw new GraphQLError(`The sandbox does not implement ${info.parentType.name}.${info.fieldName}`, {
        extensions: { code: "SANDBOX_NOT_IMPLEMENTED" },
      });
    }
    const value = (source as Json)[info.fieldName];
    return typeof value === "function" ? value(args, ctx, info) : value;
  };
  const typeResolver: GraphQLTypeResolver<unknown, Context> = (value) =>
    value && typeof value === "object" ? ((value as Json).__typename as string | undefined) : undefined;

  const bulk = new BulkRunner({
    schema,
    registry: () => registry,
    execute: (document, ctx) => execute({ schema, document, contextValue: ctx, fieldResolver, typeResolver }),
    context: (shop) => context(shop),
    baseUrl: () => baseUrl,
    now,
    emitWebhook: (shop, topic, payload) => void webhooks.emit(shop, topic, payload),
  });
  const registry: ResolverRegistry = mergeResolverModules([
    ...resolverModules,
    bulkResolvers(bulk),
    ...(options.modules ?? []),
  ]);

  const control = createControl({
    shops,
    now,
    emitWebhook: (shop, topic, payload) => void webhooks.emit(shop, topic, payload),
    advanceClock: (ms) => {
      clockOffsetMs += ms;
    },
  });

  /** Parse → validate → variables → cost → execute, answering like the Admin API (HTTP 200). */
  async function runGraphql(shop: ShopState, document: DocumentNode, body: Json): Promise<Json> {
    const shopBucket = bucket(shop.domain);
    const costExtension = (requested: number, actual: number | null) => ({
      cost: { requestedQueryCost: requested, actualQueryCost: actual, throttleStatus: shopBucket.status() },
    });
    const validationErrors = validateLikeShopify(schema, document);
    if (validationErrors.length > 0) return { errors: validationErrors, extensions: costExtension(0, 0) };

    const operationName = typeof body.operationName === "string" ? body.operationName : null;
    const operation = getOperationAST(document, operationName);
    if (!operation) {
      const message = operationName
        ? `No operation named "${operationName}"`
        : "An operation name is required";
      return {
        errors: [{ message, extensions: { code: "OPERATION_NOT_FOUND" } }],
        extensions: costExtension(0, 0),
      };
    }
    const inputs = (body.variables && typeof body.variables === "object" ? body.variables : {}) as Json;
    const coerced = coerceVariablesLikeShopify(schema, operation, inputs);
    if ("errors" in coerced) return { errors: coerced.errors, extensions: costExtension(0, 0) };

    const fragments = Object.fromEntries(
      document.definitions
        .filter(
          (definition): definition is FragmentDefinitionNode => definition.kind === Kind.FRAGMENT_DEFINITION,
        )
        .map((fragment) => [fragment.name.value, fragment]),
    );
    const costInput = { schema, operation, fragments, variables: coerced.values };
    const requested = requestedQueryCost(costInput);
    if (requested > MAX_SINGLE_QUERY_COST) {
      return {
        errors: [
          {
            message:
              `Query cost is ${requested}, which exceeds the single query max cost limit (${MAX_SINGLE_QUERY_COST}).\n\n` +
              "See https://shopify.dev/concepts/about-apis/rate-limits for more information on how the\n" +
              "cost of a query is calculated.\n\n" +
              "To query larger amounts of data with fewer limits, bulk operations should be used instead.\n" +
              "See https://shopify.dev/api/usage/bulk-operations/queries for usage details.\n",
            extensions: { code: "MAX_COST_EXCEEDED", cost: requested, maxCost: MAX_SINGLE_QUERY_COST },
          },
        ],
        extensions: costExtension(requested, null),
      };
    }
    if (!shopBucket.take(requested)) {
      return {
        errors: [{ message: "Throttled", extensions: { code: "THROTTLED", documentation: THROTTLED_DOCS } }],
        extensions: costExtension(requested, null),
      };
    }

    const searchWarnings: SearchWarning[] = [];
    const result = await execute({
      schema,
      document,
      operationName: operationName ?? undefined,
      variableValues: inputs,
      contextValue: context(shop, searchWarnings),
      fieldResolver,
      typeResolver,
    });
    const actual = actualQueryCost(costInput, result.data as Json | null | undefined);
    shopBucket.refund(requested - actual);
    const payload: Json = {};
    if (result.errors?.length) payload.errors = result.errors.map(formatExecutionError);
    payload.data = result.data ?? null;
    payload.extensions = {
      ...costExtension(requested, actual),
      ...(searchWarnings.length > 0 ? { search: searchWarnings } : {}),
    };
    return payload;
  }

  async function handleGraphql(req: IncomingMessage, res: ServerResponse, version: string): Promise<void> {
    const requestedShop = String(req.headers["x-shopify-sandbox-shop"] ?? req.headers.host ?? "").replace(
      /:\d+$/,
      "",
    );
    const shop = shops.get(requestedShop);
    if (!shop) return send(res, 404, NOT_FOUND);
    if (version !== SANDBOX_API_VERSION) return send(res, 404, NOT_FOUND);
    if (req.method !== "POST") return send(res, 404, NOT_FOUND);
    const token = String(req.headers["x-shopify-access-token"] ?? "");
    const installation = shop.installation;
    if (
      installation.uninstalledAt ||
      !installation.accessToken ||
      !safeEqual(token, installation.accessToken)
    ) {
      return send(res, 401, INVALID_TOKEN);
    }

    const raw = await readBody(req);
    let body: Json;
    try {
      const contentType = String(req.headers["content-type"] ?? "");
      // Shopify also accepts a bare document as application/graphql.
      body = contentType.includes("application/graphql") ? { query: raw } : (JSON.parse(raw) as Json);
    } catch {
      return send(res, 400, MISSING_QUERY);
    }
    if (!body || typeof body.query !== "string" || body.query.trim() === "")
      return send(res, 400, MISSING_QUERY);

    let document: DocumentNode | null = null;
    let parseError: ShopifyGraphQLError | null = null;
    try {
      document = parse(body.query);
    } catch (error) {
      parseError = shopifyParseError(error as GraphQLError, body.query);
    }

    const operation = document
      ? getOperationAST(document, typeof body.operationName === "string" ? body.operationName : null)
      : null;
    const fault = faults.take({
      shop: shop.domain,
      operationName:
        typeof body.operationName === "string" ? body.operationName : (operation?.name?.value ?? null),
      rootFields: operation ? rootFieldNames(operation) : [],
    });
    if (fault && !fault.afterEffect) {
      if (fault.delayMs) await sleep(fault.delayMs);
      if (applyFault(req, res, fault)) return;
    }

    const payload: Json = parseError
      ? {
          errors: [parseError],
          extensions: {
            cost: { requestedQueryCost: 0, actualQueryCost: 0, throttleStatus: bucket(shop.domain).status() },
          },
        }
      : await runGraphql(shop, document!, body);

    if (fault?.afterEffect) {
      if (fault.delayMs) await sleep(fault.delayMs);
      if (applyFault(req, res, fault)) return;
    }
    send(res, 200, payload);
  }

  async function handleControl(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const auth = String(req.headers.authorization ?? "");
    if (!safeEqual(auth, `Bearer ${controlToken}`))
      return send(res, 401, { error: "Invalid sandbox control token" });
    let body: Json;
    try {
      body = JSON.parse(await readBody(req)) as Json;
    } catch {
      return send(res, 400, { error: "Body must be JSON: { action, ...params }" });
    }
    const { action, ...params } = body;
    try {
      const result = control.dispatch(String(action), params);
      send(res, 200, { ok: true, result: summarize(result) });
    } catch (error) {
      const status = error instanceof ControlError || (error as Error).name === "ZodError" ? 400 : 500;
      send(res, status, { ok: false, error: (error as Error).message });
    }
  }

  function handleBulkFile(res: ServerResponse, name: string): void {
    const file = bulk.filePath(name);
    if (!file) return send(res, 404, NOT_FOUND);
    res.writeHead(200, { "Content-Type": "application/jsonl" });
    createReadStream(file).pipe(res);
  }

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://sandbox.local");
    const graphql = /^\/admin\/api\/([^/]+)\/graphql\.json$/.exec(url.pathname);
    const bulkFile = /^\/_sandbox\/bulk\/([\w-]+\.jsonl)$/.exec(url.pathname);
    const work = graphql
      ? handleGraphql(req, res, graphql[1])
      : bulkFile && req.method === "GET"
        ? Promise.resolve(handleBulkFile(res, bulkFile[1]))
        : url.pathname === "/_sandbox/control" && req.method === "POST"
          ? handleControl(req, res)
          : url.pathname.startsWith("/admin/apps/")
            ? handleAdminHost(req, res, { shops, now })
            : url.pathname === "/_sandbox/health"
              ? Promise.resolve(send(res, 200, { ok: true, shops: [...shops.keys()] }))
              : Promise.resolve(send(res, 404, NOT_FOUND));
    work.catch((error: unknown) => {
      if (!res.headersSent) send(res, 500, { errors: "Internal Server Error", sandboxError: String(error) });
    });
  });

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, "127.0.0.1", () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  baseUrl = `http://127.0.0.1:${port}`;

  return {
    url: baseUrl,
    port,
    shops,
    addShop: (shop) => void shops.set(shop.domain, shop),
    faults,
    webhooks,
    control,
    controlToken,
    bulk: { settle: () => bulk.settle() },
    bucket,
    now,
    async stop() {
      await webhooks.stop();
      await bulk.stop();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function rootFieldNames(operation: OperationDefinitionNode): string[] {
  return operation.selectionSet.selections.flatMap((selection) =>
    selection.kind === Kind.FIELD ? [selection.name.value] : [],
  );
}

/** Answers with the fault; false when the fault only delays. */
function applyFault(req: IncomingMessage, res: ServerResponse, fault: Fault): boolean {
  if (fault.dropConnection) {
    req.socket.destroy();
    return true;
  }
  if (!fault.status) return false;
  const headers: Record<string, string> = {};
  // Shopify's 429 says when to come back.
  if (fault.status === 429) headers["Retry-After"] = (fault.retryAfterSeconds ?? 2).toFixed(1);
  send(res, fault.status, faultBody(fault.status), headers);
  return true;
}

function formatExecutionError(error: GraphQLError): Json {
  const json = error.toJSON() as unknown as Json;
  // Unexpected exceptions (sandbox bugs) get Shopify's internal-error code; the message is kept for debugging.
  if (!json.extensions && !(error.originalError instanceof GraphQLError) && error.originalError) {
    json.extensions = { code: "INTERNAL_SERVER_ERROR" };
  }
  return json;
}

function send(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  res.writeHead(status, {
    "Content-Type": "application/json; charset=utf-8",
    "Content-Length": String(Buffer.byteLength(text)),
    "X-Request-Id": randomUUID(),
    "X-Shopify-API-Version": SANDBOX_API_VERSION,
    ...headers,
  });
  res.end(text);
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new Error("Request body too large");
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString("utf8");
}

function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

/** Control results are domain objects; send ids and titles, not whole Maps. */
function summarize(result: unknown): unknown {
  if (result && typeof result === "object" && "id" in result && "variants" in result) {
    const product = result as {
      id: string;
      title: string;
      updatedAt: string;
      variants: { id: string; inventoryItem: { id: string } }[];
    };
    return {
      id: product.id,
      title: product.title,
      updatedAt: product.updatedAt,
      variants: product.variants.map((variant) => ({
        id: variant.id,
        inventoryItemId: variant.inventoryItem.id,
      })),
    };
  }
  return result;
}
