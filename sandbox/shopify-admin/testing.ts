import { DEMO_ACCESS_TOKEN, DEMO_SHOP } from "./fixtures/catalog";
import { SANDBOX_API_VERSION } from "./schema";
import type { ShopifySandbox } from "./server";

/**
 * Calls the sandbox exactly as `@shopify/admin-api-client` calls Shopify: POST
 * /admin/api/<version>/graphql.json with `X-Shopify-Access-Token` and a JSON body, plus the shop
 * header the app's sandbox transport adds. For tests that talk to the sandbox directly.
 */
export interface AdminRequest {
  query: string;
  variables?: Record<string, unknown>;
  operationName?: string;
  shop?: string;
  token?: string | null;
  version?: string;
}

export interface AdminResponse<T = Record<string, unknown>> {
  status: number;
  headers: Headers;
  body: {
    data?: T | null;
    errors?:
      | { message: string; locations?: unknown; path?: unknown[]; extensions?: Record<string, unknown> }[]
      | string
      | Record<string, unknown>;
    extensions?: {
      cost?: {
        requestedQueryCost: number;
        actualQueryCost: number | null;
        throttleStatus: { maximumAvailable: number; currentlyAvailable: number; restoreRate: number };
      };
      search?: unknown[];
    };
  };
}

export async function adminGraphql<T = Record<string, unknown>>(
  sandbox: Pick<ShopifySandbox, "url">,
  request: AdminRequest,
): Promise<AdminResponse<T>> {
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    Accept: "application/json",
    "x-shopify-sandbox-shop": request.shop ?? DEMO_SHOP,
  };
  const token = request.token === undefined ? DEMO_ACCESS_TOKEN : request.token;
  if (token !== null) headers["X-Shopify-Access-Token"] = token;
  const response = await fetch(
    `${sandbox.url}/admin/api/${request.version ?? SANDBOX_API_VERSION}/graphql.json`,
    {
      method: "POST",
      headers,
      body: JSON.stringify({
        query: request.query,
        variables: request.variables,
        operationName: request.operationName,
      }),
    },
  );
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as AdminResponse<T>["body"],
  };
}

/** `adminGraphql` that fails on any GraphQL error and returns `data`. */
export async function adminData<T = Record<string, unknown>>(
  sandbox: Pick<ShopifySandbox, "url">,
  request: AdminRequest,
): Promise<T> {
  const response = await adminGraphql<T>(sandbox, request);
  if (response.status !== 200 || response.body.errors) {
    throw new Error(`Admin API call failed (${response.status}): ${JSON.stringify(response.body.errors)}`);
  }
  return response.body.data as T;
}
