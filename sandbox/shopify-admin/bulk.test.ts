import { runInNewContext } from "node:vm";
import { setFlagsFromString } from "node:v8";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_SHOP, demoShop } from "./fixtures/catalog";
import { generateCatalog } from "./fixtures/generate";
import { startShopifySandbox, type ShopifySandbox } from "./server";
import { createShopState } from "./store";
import { adminData, adminGraphql } from "./testing";

let sandbox: ShopifySandbox;

beforeAll(async () => {
  sandbox = await startShopifySandbox({ shops: [demoShop()] });
});

afterAll(async () => {
  await sandbox?.stop();
});

type Operation = {
  id: string;
  status: string;
  errorCode: string | null;
  objectCount: string;
  rootObjectCount: string;
  fileSize: string | null;
  url: string | null;
  completedAt: string | null;
};
type UserError = { field: string[] | null; message: string; code: string | null };

const RUN = `mutation Run($query: String!, $group: Boolean!) {
  bulkOperationRunQuery(query: $query, groupObjects: $group) {
    bulkOperation { id status url }
    userErrors { field message code }
  }
}`;
const POLL = `query Poll($id: ID!) {
  bulkOperation(id: $id) { id status errorCode objectCount rootObjectCount fileSize url completedAt }
}`;

async function run(
  target: ShopifySandbox,
  query: string,
  options: { group?: boolean; shop?: string; token?: string } = {},
) {
  const data = await adminData<{
    bulkOperationRunQuery: {
      bulkOperation: { id: string; status: string; url: string | null } | null;
      userErrors: UserError[];
    };
  }>(target, {
    query: RUN,
    variables: { query, group: options.group ?? false },
    shop: options.shop,
    token: options.token,
  });
  return data.bulkOperationRunQuery;
}

async function finished(
  target: ShopifySandbox,
  id: string,
  options: { shop?: string; token?: string } = {},
): Promise<Operation> {
  for (;;) {
    const { bulkOperation } = await adminData<{ bulkOperation: Operation }>(target, {
      query: POLL,
      variables: { id },
      shop: options.shop,
      token: options.token,
    });
    if (!["CREATED", "RUNNING", "CANCELING"].includes(bulkOperation.status)) return bulkOperation;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

async function lines(url: string): Promise<Record<string, unknown>[]> {
  const response = await fetch(url);
  expect(response.headers.get("content-type")).toBe("application/jsonl");
  const text = await response.text();
  expect(text.endsWith("\n")).toBe(true);
  return text
    .trimEnd()
    .split("\n")
    .map((line) => JSON.parse(line));
}

const CATALOG_EXPORT = `{
  products(query: "status:active") {
    edges {
      node {
        id title handle
        featuredMedia { preview { image { url } } }
        variants { edges { node { id sku price selectedOptions { name value } inventoryItem { id tracked } } } }
      }
    }
  }
}`;

describe("bulk query operations", () => {
  it("runs CREATED → COMPLETED and writes Shopify's JSONL: one line per node, children with __parentId", async () => {
    const started = await run(sandbox, CATALOG_EXPORT);
    expect(started.userErrors).toEqual([]);
    expect(started.bulkOperation).toMatchObject({ status: "CREATED", url: null });

    const operation = await finished(sandbox, started.bulkOperation!.id);
    expect(operation.status).toBe("COMPLETED");
    expect(operation.url).toBe(`${sandbox.url}/_sandbox/bulk/${operation.id.split("/").pop()}.jsonl`);
    expect(operation.completedAt).not.toBeNull();

    const rows = await lines(operation.url!);
    const shop = sandbox.shops.get(DEMO_SHOP)!;
    const active = [...shop.products.values()].filter((product) => product.status === "ACTIVE");
    const variantCount = active.reduce((sum, product) => sum + product.variants.length, 0);
    expect(rows).toHaveLength(active.length + variantCount);
    expect(operation).toMatchObject({
      objectCount: String(active.length + variantCount),
      rootObjectCount: String(active.length),
    });
    const bytes = (await (await fetch(operation.url!)).arrayBuffer()).byteLength;
    expect(operation.fileSize).toBe(String(bytes));

    // Root line: the product's own fields, nested objects inline, no connection.
    const tee = rows.find((row) => row.title === "Classic Organic Tee")!;
    expect(tee).toEqual({
      id: expect.stringMatching(/^gid:\/\/shopify\/Product\/\d+$/),
      title: "Classic Organic Tee",
      handle: "classic-organic-tee",
      featuredMedia: { preview: { image: { url: expect.stringContaining("classic-tee-black.jpg") } } },
    });
    // Child lines follow with __parentId as the last key.
    const teeVariants = rows.filter((row) => row.__parentId === tee.id);
    expect(teeVariants).toHaveLength(9);
    expect(Object.keys(teeVariants[0]).at(-1)).toBe("__parentId");
    expect(teeVariants[0]).toMatchObject({
      id: expect.stringMatching(/^gid:\/\/shopify\/ProductVariant\/\d+$/),
      sku: "TEE-BLA-S",
      price: "25.00",
      selectedOptions: [
        { name: "Color", value: "Black" },
        { name: "Size", value: "S" },
      ],
      inventoryItem: { id: expect.stringMatching(/^gid:\/\/shopify\/InventoryItem\/\d+$/), tracked: true },
    });
    // first/after are ignored: every variant is there although none was asked for by count.
    expect(
      rows
        .filter((row) => row.__parentId)
        .every((row) => rows.some((parent) => parent.id === row.__parentId)),
    ).toBe(true);
  });

  it("handles `nodes`, connections inside nested objects, groupObjects and the root query filter", async () => {
    const started = await run(
      sandbox,
      `{ productVariants(query: "sku:NAP-*") { nodes { id sku inventoryItem { inventoryLevels { nodes { location { name } quantities(names: ["available"]) { quantity } } } } } } }`,
      { group: true },
    );
    const operation = await finished(sandbox, started.bulkOperation!.id);
    const rows = await lines(operation.url!);
    expect(rows.filter((row) => !row.__parentId).map((row) => row.sku)).toEqual([
      "NAP-SAND",
      "NAP-SAGE",
      "NAP-CHAR",
    ]);
    // The level lines belong to the variant line (the nearest line object), and the emptied nested object stays.
    const sand = rows[0];
    expect(sand).toEqual({ id: expect.any(String), sku: "NAP-SAND", inventoryItem: {} });
    expect(rows[1]).toEqual({
      location: { name: "Brooklyn Warehouse" },
      quantities: [{ quantity: 12 }],
      __parentId: sand.id,
    });
    expect(operation.rootObjectCount).toBe("3");
  });

  it("completes without a URL when nothing matches", async () => {
    const started = await run(sandbox, '{ products(query: "title:nonexistent") { edges { node { id } } } }');
    const operation = await finished(sandbox, started.bulkOperation!.id);
    expect(operation).toMatchObject({ status: "COMPLETED", objectCount: "0", url: null });
  });

  it("rejects queries that break Shopify's bulk rules with INVALID user errors", async () => {
    const cases: [string, RegExp][] = [
      ["{ shop { name } }", /at least one connection/],
      ['{ node(id: "gid://shopify/Product/1") { id } }', /top level `node` or `nodes`/],
      [
        "{ products { edges { node { id variants { edges { node { id inventoryItem { inventoryLevels { edges { node { id } } } } } } } } } } }",
        /nesting depth greater than 2/,
      ],
      [
        `{ products { edges { node {
            a: variants { edges { node { id } } } b: variants { edges { node { id } } } c: variants { edges { node { id } } }
            d: variants { edges { node { id } } } e: variants { edges { node { id } } } } } } }`,
        /more than 5 connections/,
      ],
      [
        "{ products { edges { node { id nope } } } }",
        /^Invalid bulk query: Field 'nope' doesn't exist on type 'Product'$/,
      ],
      ["{ products { edges { node { id } }", /^Invalid bulk query: /],
    ];
    for (const [query, message] of cases) {
      const result = await run(sandbox, query);
      expect(result.bulkOperation).toBeNull();
      expect(result.userErrors).toEqual([
        { field: ["query"], message: expect.stringMatching(message), code: "INVALID" },
      ]);
    }
  });

  it("allows five concurrent bulk queries per shop, then LIMIT_REACHED", async () => {
    const inner = JSON.stringify("{ products { edges { node { id } } } }");
    const aliases = ["a", "b", "c", "d", "e", "f"]
      .map(
        (alias) =>
          `${alias}: bulkOperationRunQuery(query: ${inner}, groupObjects: false) { bulkOperation { id } userErrors { message code } }`,
      )
      .join("\n");
    const data = await adminData<
      Record<string, { bulkOperation: { id: string } | null; userErrors: UserError[] }>
    >(sandbox, {
      query: `mutation { ${aliases} }`,
    });
    expect(["a", "b", "c", "d", "e"].every((alias) => data[alias].bulkOperation !== null)).toBe(true);
    expect(data.f).toMatchObject({ bulkOperation: null, userErrors: [{ code: "LIMIT_REACHED" }] });
    await sandbox.bulk.settle();
  });

  it("lists operations with the status filter and cancels a running one", async () => {
    const big = createShopState({
      domain: "bulk-cancel.myshopify.com",
      accessToken: "shpat_cancel",
      firstId: 9_000_000_000_000,
    });
    big.installation.scopes = ["read_products"];
    generateCatalog(big, { products: 3_000, variantsPerProduct: 5, seed: 3 });
    sandbox.addShop(big);
    const as = { shop: big.domain, token: "shpat_cancel" };
    const started = await run(
      sandbox,
      "{ products { edges { node { id variants { edges { node { id sku } } } } } } }",
      as,
    );
    const id = started.bulkOperation!.id;

    const listed = await adminData<{ bulkOperations: { nodes: { id: string; status: string }[] } }>(sandbox, {
      ...as,
      query:
        '{ bulkOperations(first: 5, query: "status:created OR status:running", sortKey: CREATED_AT, reverse: true) { nodes { id status } } }',
    });
    expect(listed.bulkOperations.nodes.map((node) => node.id)).toEqual([id]);

    const cancel = await adminData<{
      bulkOperationCancel: { bulkOperation: { status: string }; userErrors: UserError[] };
    }>(sandbox, {
      ...as,
      query:
        "mutation($id: ID!) { bulkOperationCancel(id: $id) { bulkOperation { status } userErrors { message } } }",
      variables: { id },
    });
    expect(cancel.bulkOperationCancel).toEqual({ bulkOperation: { status: "CANCELING" }, userErrors: [] });
    const operation = await finished(sandbox, id, as);
    expect(operation).toMatchObject({ status: "CANCELED", url: null });
    expect(Number(operation.rootObjectCount)).toBeLessThan(3_000);

    const again = await adminData<{ bulkOperationCancel: { userErrors: UserError[] } }>(sandbox, {
      ...as,
      query: "mutation($id: ID!) { bulkOperationCancel(id: $id) { userErrors { message } } }",
      variables: { id },
    });
    expect(again.bulkOperationCancel.userErrors[0].message).toBe(
      "A bulk operation cannot be canceled when it is canceled",
    );
  });

  it("is a connection like any other for node(id:) and the cost of polling", async () => {
    const started = await run(sandbox, "{ collections { edges { node { id title } } } }");
    await finished(sandbox, started.bulkOperation!.id);
    const response = await adminGraphql<{ node: { status: string } }>(sandbox, {
      query: "query($id: ID!) { node(id: $id) { ... on BulkOperation { status } } }",
      variables: { id: started.bulkOperation!.id },
    });
    expect(response.body.data?.node.status).toBe("COMPLETED");
    expect(response.body.extensions?.cost?.requestedQueryCost).toBe(1);
  });
});

describe("scale", () => {
  it("generates 100k variants and exports them as JSONL with flat memory", async () => {
    const shop = createShopState({
      domain: "bulk-100k.myshopify.com",
      accessToken: "shpat_100k",
      firstId: 8_000_000_000_000,
    });
    shop.installation.scopes = ["read_products"];
    const generateStarted = performance.now();
    const generated = generateCatalog(shop, { products: 10_000, variantsPerProduct: 10, seed: 7 });
    const generateMs = performance.now() - generateStarted;
    expect(generated.variants).toBe(100_000);
    expect(generateMs).toBeLessThan(20_000);

    // A forced full GC shows what is really retained; growth of the retained heap during the
    // export would mean rows are being collected in memory instead of streamed to the file.
    setFlagsFromString("--expose-gc");
    const gc = runInNewContext("gc") as () => void;
    const big = await startShopifySandbox({ shops: [shop] });
    const as = { shop: shop.domain, token: "shpat_100k" };
    try {
      gc();
      const baseline = process.memoryUsage();
      let peakRetained = baseline.heapUsed;
      let peakRss = baseline.rss;
      const sampler = setInterval(() => {
        gc();
        const usage = process.memoryUsage();
        peakRetained = Math.max(peakRetained, usage.heapUsed);
        peakRss = Math.max(peakRss, usage.rss);
      }, 1_500);

      const exportStarted = performance.now();
      const started = await run(
        big,
        `{ products { edges { node { id title handle vendor status updatedAt
            variants { edges { node { id sku barcode price compareAtPrice inventoryQuantity inventoryPolicy
              selectedOptions { name value } inventoryItem { id tracked requiresShipping measurement { weight { value unit } } } } } } } } } }`,
        as,
      );
      const operation = await finished(big, started.bulkOperation!.id, as);
      const exportMs = performance.now() - exportStarted;
      clearInterval(sampler);

      expect(operation).toMatchObject({
        status: "COMPLETED",
        objectCount: "110000",
        rootObjectCount: "10000",
      });
      const fileSize = Number(operation.fileSize);
      expect(exportMs).toBeLessThan(120_000);
      expect(peakRetained - baseline.heapUsed).toBeLessThan(fileSize / 4);

      // Stream the download too, counting lines without holding the file.
      const response = await fetch(operation.url!);
      const reader = response.body!.getReader();
      let count = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        for (const byte of value) if (byte === 10) count += 1;
      }
      expect(count).toBe(110_000);
      console.log(
        `[sandbox bulk] 100k variants: generate ${generateMs.toFixed(0)} ms, export ${exportMs.toFixed(0)} ms, ` +
          `file ${(fileSize / 1e6).toFixed(1)} MB, retained heap +${((peakRetained - baseline.heapUsed) / 1e6).toFixed(1)} MB, ` +
          `peak RSS ${(peakRss / 1e6).toFixed(0)} MB (+${((peakRss - baseline.rss) / 1e6).toFixed(0)} MB)`,
      );
    } finally {
      await big.stop();
    }
  }, 180_000);
});
