import { Readable } from "node:stream";
import { createGzip } from "node:zlib";
import type { FeedSettings, Prisma } from "@prisma/client";
import prisma from "../db.server";
import { FIELD_NAMES, type OpenAiFeedRow } from "./feed-item";
import { feedSettingsForToken, feedUrls } from "./feed-token.server";

/**
 * The pull URL: a shop's valid feed items as OpenAI file-upload rows ("G2", the format OpenAI ingests
 * from a hosted URL as `jsonl.gz` or `csv.gz`), gzip-compressed, streamed page by page from the database.
 *
 * - Caching: the ETag is the feed's version (it moves whenever a stored row changes), Last-Modified the
 *   time of that change; `If-None-Match` (or, without it, `If-Modified-Since`) answers 304.
 * - Shards: above the shop's shard size (500,000 items by default) the feed is split in the items' stable
 *   order; `?shard=N` serves one part and `index.json` lists them. Asking a sharded feed for everything
 *   answers 300 with the index, since no single file is offered.
 * - Before the first full sync has finished there is no feed: 503, because an empty file would tell the
 *   agent platform to delist every product.
 * @see docs/decisions/007-feed-sync.md
 */

export type FeedFormat = "jsonl" | "csv";

const PAGE_SIZE = 1_000;
const CACHE_CONTROL = "private, max-age=300";
const CONTENT_TYPE = "application/gzip";
/** Column order of the CSV file: every column the mapper can fill, in `FIELD_NAMES` order. */
const CSV_COLUMNS = Object.values(FIELD_NAMES).map((field) => field.name);

function notFound(): Response {
  return new Response("Not Found\n", {
    status: 404,
    headers: { "Content-Type": "text/plain; charset=utf-8", "Cache-Control": "no-store" },
  });
}

function notBuilt(): Response {
  return Response.json(
    { error: "feed_not_built", message: "The first catalog sync has not finished yet. Try again later." },
    { status: 503, headers: { "Retry-After": "300", "Cache-Control": "no-store" } },
  );
}

interface FeedLayout {
  settings: FeedSettings;
  items: number;
  /** 1 when the feed is one file. */
  shards: number;
}

async function layoutFor(settings: FeedSettings): Promise<FeedLayout> {
  const items = await prisma.feedItem.count({ where: { shop: settings.shop, status: "valid" } });
  const size = Math.max(1, settings.shardSize);
  return { settings, items, shards: items > size ? Math.ceil(items / size) : 1 };
}

function indexBody(layout: FeedLayout, token: string) {
  const urls = feedUrls(token);
  const size = Math.max(1, layout.settings.shardSize);
  const sharded = layout.shards > 1;
  return {
    version: layout.settings.version,
    updated_at: layout.settings.lastBuiltAt?.toISOString() ?? null,
    item_count: layout.items,
    shard_size: size,
    shards: Array.from({ length: layout.shards }, (_, index) => ({
      index,
      items: sharded ? Math.min(size, layout.items - index * size) : layout.items,
      jsonl: sharded ? `${urls.jsonl}?shard=${index}` : urls.jsonl,
      csv: sharded ? `${urls.csv}?shard=${index}` : urls.csv,
    })),
  };
}

function etagFor(layout: FeedLayout, part: string): string {
  return `"v${layout.settings.version}.${layout.settings.shardSize}.${part}"`;
}

/** RFC 9110 §13.1: `If-None-Match` wins; `If-Modified-Since` is read only without it. */
function notModified(request: Request, etag: string, lastModified: Date): boolean {
  const ifNoneMatch = request.headers.get("if-none-match");
  if (ifNoneMatch !== null) {
    return ifNoneMatch
      .split(",")
      .map((tag) => tag.trim().replace(/^W\//, ""))
      .some((tag) => tag === "*" || tag === etag);
  }
  const ifModifiedSince = request.headers.get("if-modified-since");
  if (!ifModifiedSince) return false;
  const since = Date.parse(ifModifiedSince);
  // HTTP dates have whole seconds.
  return !Number.isNaN(since) && Math.floor(lastModified.getTime() / 1000) * 1000 <= since;
}

function cacheHeaders(etag: string, lastModified: Date) {
  return { ETag: etag, "Last-Modified": lastModified.toUTCString(), "Cache-Control": CACHE_CONTROL };
}

/** `GET /feeds/:token/index.json` */
export async function feedIndexResponse(request: Request, token: string): Promise<Response> {
  const settings = await feedSettingsForToken(token);
  if (!settings) return notFound();
  if (!settings.lastBuiltAt) return notBuilt();
  const layout = await layoutFor(settings);
  const headers = cacheHeaders(etagFor(layout, "index"), settings.lastBuiltAt);
  if (notModified(request, headers.ETag, settings.lastBuiltAt))
    return new Response(null, { status: 304, headers });
  return Response.json(indexBody(layout, token), { headers });
}

/** `GET /feeds/:token/products.jsonl.gz` and `.csv.gz`, optionally `?shard=N`. */
export async function feedResponse(request: Request, token: string, format: FeedFormat): Promise<Response> {
  const settings = await feedSettingsForToken(token);
  if (!settings) return notFound();
  if (!settings.lastBuiltAt) return notBuilt();
  const layout = await layoutFor(settings);

  const shardParam = new URL(request.url).searchParams.get("shard");
  let shard: number | null = null;
  if (shardParam !== null) {
    if (!/^\d{1,6}$/.test(shardParam)) return notFound();
    shard = Number(shardParam);
    if (shard >= layout.shards) return notFound();
  } else if (layout.shards > 1) {
    return Response.json(indexBody(layout, token), {
      status: 300,
      headers: { "Cache-Control": CACHE_CONTROL, Link: `<${feedUrls(token).index}>; rel="index"` },
    });
  }

  const headers = {
    ...cacheHeaders(etagFor(layout, `${format}.${shard ?? "all"}`), settings.lastBuiltAt),
    "Content-Type": CONTENT_TYPE,
    "Content-Disposition": `attachment; filename="products${shard === null ? "" : `-${shard}`}.${format}.gz"`,
  };
  if (notModified(request, headers.ETag, settings.lastBuiltAt))
    return new Response(null, { status: 304, headers });
  if (request.method === "HEAD") return new Response(null, { headers });

  const size = Math.max(1, settings.shardSize);
  const range = layout.shards > 1 && shard !== null ? { skip: shard * size, take: size } : null;
  const gzip = renderFeedFile(settings.shop, format, range);
  return new Response(Readable.toWeb(gzip) as unknown as ReadableStream<Uint8Array>, { headers });
}

/**
 * The gzip file of a shop's valid items (or one shard of them), streamed: what the pull URL serves
 * and what a file-upload destination receives (app/catalog/push.server.ts), byte for byte.
 */
export function renderFeedFile(
  shop: string,
  format: FeedFormat,
  range: { skip: number; take: number } | null = null,
): Readable {
  const text = format === "jsonl" ? jsonlPages(shop, range) : csvPages(shop, range);
  return Readable.from(text).pipe(createGzip());
}

type Keys = { productId: string; itemId: string; market: string };
const ORDER: Prisma.FeedItemOrderByWithRelationInput[] = [
  { productId: "asc" },
  { itemId: "asc" },
  { market: "asc" },
];

/**
 * The stored rows of valid items in a stable order, a page at a time; `range` cuts out one shard.
 * Keyset paging on (productId, itemId, market), which stays fast deep into the feed. Written as SQL:
 * the row-value comparison is one index range on both SQLite and PostgreSQL, where the same
 * condition spelled as Prisma `OR`s took PostgreSQL 2.2 s for 100,000 rows instead of 0.26 s.
 */
async function* validRows(
  shop: string,
  range: { skip: number; take: number } | null,
): AsyncGenerator<string[]> {
  // Ids are never empty, so the empty key is before every row.
  let key: Keys = { productId: "", itemId: "", market: "" };
  let left = range ? range.take : Number.POSITIVE_INFINITY;
  if (range && range.skip > 0) {
    // The shard starts after the last item of the shard before it.
    const previous = await prisma.feedItem.findFirst({
      where: { shop, status: "valid" },
      orderBy: ORDER,
      skip: range.skip - 1,
      select: { productId: true, itemId: true, market: true },
    });
    if (!previous) return;
    key = previous;
  }
  while (left > 0) {
    const limit = Math.min(PAGE_SIZE, left);
    const page = await prisma.$queryRaw<(Keys & { row: string | null })[]>`
      SELECT "productId", "itemId", "market", "row" FROM "FeedItem"
      WHERE "shop" = ${shop} AND "status" = 'valid'
        AND ("productId", "itemId", "market") > (${key.productId}, ${key.itemId}, ${key.market})
      ORDER BY "productId", "itemId", "market"
      LIMIT ${limit}`;
    if (page.length === 0) return;
    left -= page.length;
    key = page[page.length - 1];
    yield page.flatMap((item) => (item.row ? [item.row] : []));
    if (page.length < limit) return;
  }
}

async function* jsonlPages(
  shop: string,
  range: { skip: number; take: number } | null,
): AsyncGenerator<string> {
  for await (const rows of validRows(shop, range)) {
    if (rows.length > 0) yield `${rows.join("\n")}\n`;
  }
}

/** RFC 4180: quote a field holding a comma, quote or line break; double the quotes inside. */
function csvField(value: string | undefined): string {
  if (value === undefined || value === "") return "";
  return /[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value;
}

async function* csvPages(shop: string, range: { skip: number; take: number } | null): AsyncGenerator<string> {
  yield `${CSV_COLUMNS.join(",")}\r\n`;
  for await (const rows of validRows(shop, range)) {
    let text = "";
    for (const json of rows) {
      const row = JSON.parse(json) as OpenAiFeedRow;
      text += `${CSV_COLUMNS.map((column) => csvField(row[column])).join(",")}\r\n`;
    }
    if (text) yield text;
  }
}
