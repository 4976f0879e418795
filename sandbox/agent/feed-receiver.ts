/**
 * Where the merchant publishes its catalog to the agent, as a real HTTP server:
 *
 * (a) Whole-file upload (OpenAI's file-upload delivery): `PUT|POST /uploads/<name>.jsonl.gz` or
 *     `.csv.gz` with a bearer token. The file is stored, gunzipped and every row is checked for the
 *     required fields. With `?feed_id=<id>` a valid JSONL file of ACP `Product`s is the feed's full
 *     replacement (rfc.product_feeds §3.4 "Offline Full Replacement").
 * (b) The ACP Feed API of 2026-04-17 as the agent hosts it (openapi.feed.yaml): `POST /feeds`,
 *     `GET /feeds/{id}`, `GET /feeds/{id}/products`, `PATCH /feeds/{id}/products` (upsert by
 *     `Product.id`), validated against the vendored 2026-04-17 feed JSON Schema.
 *
 * Every request is logged; the same fault injection as the webhook receiver applies.
 *
 * @example
 *   const agent = await startFeedReceiver();
 *   // app publishes to agent.origin with agent.token …
 *   expect(agent.uploads()[0].errors).toEqual([]);
 *   expect(agent.unchangedUpserts()).toEqual([]);   // the app only sent products that changed
 */
import { randomBytes } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";
import { gunzipSync } from "node:zlib";
import { canonicalJson } from "./canonical-json";
import { FaultInjector, playFault, type AppliedFault } from "./faults";
import { BodyTooLarge, headerRecord, isJsonContentType, listen, readBody, sendJson } from "./http";
import { validateDef, type SchemaError } from "./spec";

const FEED_VERSION = "2026-04-17" as const;
const FEED_SCHEMA = "json-schema/schema.feed.json";

/**
 * The nine fields OpenAI's current file-upload spec requires for discovery (acp-spec
 * PRODUCT_FEED.md §2), the default for flat rows.
 */
export const OPENAI_FLAT_REQUIRED_FIELDS = [
  "item_id",
  "title",
  "description",
  "url",
  "brand",
  "seller_name",
  "image_url",
  "availability",
  "price",
] as const;

/** Placeholders OpenAI's spec forbids for unknown values ("omit, never send null/unknown/n/a"). */
const PLACEHOLDERS = new Set(["null", "n/a", "na", "none", "undefined"]);

export interface FeedMetadata {
  id: string;
  target_country?: string;
  updated_at?: string;
}

export type Product = { id: string; variants: unknown[] } & Record<string, unknown>;

export interface RowError {
  /** 1-based data row (the CSV header is not counted). */
  row: number;
  message: string;
}

export interface FeedUpload {
  seq: number;
  receivedAt: string;
  method: string;
  name: string;
  format: "jsonl" | "csv";
  feedId?: string;
  /** Size of the gzip body as received. */
  bytes: number;
  /** The body as received (gzip). */
  gzip: Buffer;
  /** The gunzipped text. */
  text: string;
  rows: number;
  validRows: number;
  errors: RowError[];
  /** Whether the upload replaced a feed's product set. */
  replacedFeed: boolean;
  status: number;
}

export interface FeedRequestLogEntry {
  seq: number;
  at: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  rawBody: string;
  body?: unknown;
  idempotencyKey?: string;
  replayed?: boolean;
  fault?: AppliedFault;
  status: number | "dropped";
  response?: unknown;
}

export interface UpsertRecord {
  requestSeq: number;
  feedId: string;
  productIds: string[];
  /** Products sent whose content equalled what the feed already held. */
  unchanged: string[];
}

export interface FeedReceiverOptions {
  /** Bearer token the merchant must send; random when omitted. */
  token?: string;
  /** `API-Version` values the Feed API accepts (default: only 2026-04-17, the version defining it). */
  apiVersions?: string[];
  /** Required fields for flat rows (CSV, or JSONL with `jsonlProfile: "flat"`). */
  flatRequiredFields?: readonly string[];
  /** How JSONL uploads are read: one ACP `Product` per line (default), or flat OpenAI rows. */
  jsonlProfile?: "acp_product" | "flat";
  now?: () => number;
  port?: number;
}

export interface FeedReceiver {
  origin: string;
  token: string;
  /** URL to upload a whole file to, e.g. `uploadUrl("products.jsonl.gz", feedId)`. */
  uploadUrl(name: string, feedId?: string): string;
  faults: FaultInjector;
  uploads(): FeedUpload[];
  requests(): FeedRequestLogEntry[];
  feeds(): FeedMetadata[];
  /** Current products of a feed in first-upsert order (undefined when no such feed). */
  products(feedId: string): Product[] | undefined;
  upserts(): UpsertRecord[];
  /** Forgets a feed, as an agent does that expired or deleted it: its URLs answer 404 from now on. */
  dropFeed(feedId: string): boolean;
  /** Every product PATCHed without any change: an app that syncs only changes produces none. */
  unchangedUpserts(): Array<{ requestSeq: number; feedId: string; productId: string }>;
  reset(): void;
  close(): Promise<void>;
}

function feedError(code: string, message: string, param?: string) {
  return { type: "invalid_request", code, message, ...(param ? { param } : {}) };
}

/** `$.products[0].id` → `products[0].id`, the param style of the feed examples. */
function param(errors: SchemaError[]): string | undefined {
  const path = errors[0]?.jsonPath.replace(/^\$\.?/, "");
  return path || undefined;
}

/** RFC 4180 CSV: quoted fields may hold commas, newlines and doubled quotes. */
export function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === "") quoted = true;
    else if (c === ",") {
      record.push(field);
      field = "";
    } else if (c === "\n" || c === "\r") {
      if (c === "\r" && text[i + 1] === "\n") i++;
      record.push(field);
      records.push(record);
      record = [];
      field = "";
    } else field += c;
  }
  if (quoted) throw new Error("unterminated quoted field");
  if (field !== "" || record.length > 0) {
    record.push(field);
    records.push(record);
  }
  // A blank line is not a row (only a trailing newline usually produces one).
  return records.filter((r) => !(r.length === 1 && r[0] === ""));
}

function checkFlatRow(row: Record<string, unknown>, required: readonly string[]): string[] {
  const problems: string[] = [];
  for (const field of required) {
    const value = row[field];
    if (value === undefined || value === null || (typeof value === "string" && value.trim() === "")) {
      problems.push(`missing required field "${field}"`);
    } else if (typeof value === "string" && PLACEHOLDERS.has(value.trim().toLowerCase())) {
      problems.push(`"${field}" is a placeholder ("${value}"); omit unknown values instead`);
    }
  }
  return problems;
}

/** Starts the feed receiver on 127.0.0.1 (a free port unless `port` is given). */
export async function startFeedReceiver(options: FeedReceiverOptions = {}): Promise<FeedReceiver> {
  const token = options.token ?? `feed_tok_${randomBytes(18).toString("hex")}`;
  const apiVersions = options.apiVersions ?? [FEED_VERSION];
  const flatRequired = options.flatRequiredFields ?? OPENAI_FLAT_REQUIRED_FIELDS;
  const jsonlProfile = options.jsonlProfile ?? "acp_product";
  const now = options.now ?? Date.now;
  const faults = new FaultInjector();

  let uploads: FeedUpload[] = [];
  let requests: FeedRequestLogEntry[] = [];
  let upserts: UpsertRecord[] = [];
  let feeds = new Map<string, { metadata: FeedMetadata; products: Map<string, Product> }>();
  let idempotency = new Map<string, { fingerprint: string; status: number; body: unknown }>();

  const isoNow = () => new Date(now()).toISOString();

  function authorized(headers: Record<string, string>): boolean {
    const match = /^Bearer (.+)$/i.exec(headers.authorization ?? "");
    return match !== null && match[1] === token;
  }

  function readUpload(
    name: string,
    text: string,
  ): { format: "jsonl" | "csv"; rows: unknown[]; errors: RowError[] } {
    const format = name.endsWith(".csv.gz") ? "csv" : "jsonl";
    const errors: RowError[] = [];
    const rows: unknown[] = [];
    if (format === "csv") {
      const [header, ...records] = parseCsv(text);
      if (!header) return { format, rows, errors: [{ row: 0, message: "empty file (no header row)" }] };
      records.forEach((record, i) => {
        if (record.length !== header.length) {
          errors.push({ row: i + 1, message: `${record.length} fields, header has ${header.length}` });
        }
        const row = Object.fromEntries(header.map((h, j) => [h.trim(), record[j] ?? ""]));
        rows.push(row);
        for (const message of checkFlatRow(row, flatRequired)) errors.push({ row: i + 1, message });
      });
      return { format, rows, errors };
    }
    const lines = text.split(/\r?\n/).filter((line) => line.trim() !== "");
    const seen = new Set<string>();
    lines.forEach((line, i) => {
      let row: unknown;
      try {
        row = JSON.parse(line);
      } catch {
        // Still a row of the file: it counts, and it is invalid.
        rows.push(undefined);
        errors.push({ row: i + 1, message: "not valid JSON" });
        return;
      }
      rows.push(row);
      if (!row || typeof row !== "object" || Array.isArray(row)) {
        errors.push({ row: i + 1, message: "a row must be a JSON object" });
      } else if (jsonlProfile === "flat") {
        for (const message of checkFlatRow(row as Record<string, unknown>, flatRequired))
          errors.push({ row: i + 1, message });
      } else {
        const verdict = validateDef(FEED_VERSION, FEED_SCHEMA, "Product", row);
        for (const e of verdict.errors) errors.push({ row: i + 1, message: `${e.jsonPath} ${e.message}` });
        const id = (row as { id?: unknown }).id;
        if (typeof id === "string") {
          if (seen.has(id)) errors.push({ row: i + 1, message: `duplicate Product.id "${id}"` });
          seen.add(id);
        }
      }
    });
    return { format, rows, errors };
  }

  async function handleUpload(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    raw: Buffer,
    log: FeedRequestLogEntry,
  ): Promise<void> {
    const answer = (status: number, body: unknown) => {
      log.status = status;
      log.response = body;
      sendJson(res, status, body);
    };
    if (req.method !== "PUT" && req.method !== "POST") {
      return answer(405, feedError("method_not_allowed", "Upload with PUT or POST."));
    }
    const name = decodeURIComponent(url.pathname.slice("/uploads/".length));
    if (!/^[\w.-]+\.(jsonl|csv)\.gz$/.test(name)) {
      return answer(
        400,
        feedError("unsupported_format", "File name must end in .jsonl.gz or .csv.gz.", "name"),
      );
    }
    if (raw.length < 2 || raw[0] !== 0x1f || raw[1] !== 0x8b) {
      return answer(400, feedError("invalid_gzip", "Body is not gzip data."));
    }
    let text: string;
    try {
      text = gunzipSync(raw).toString("utf8");
    } catch (caught) {
      return answer(400, feedError("invalid_gzip", `Body does not gunzip: ${String(caught)}`));
    }
    const feedId = url.searchParams.get("feed_id") ?? undefined;
    const feed = feedId ? feeds.get(feedId) : undefined;
    if (feedId && !feed) return answer(404, feedError("feed_not_found", "Feed not found", "feed_id"));

    let parsed: ReturnType<typeof readUpload>;
    try {
      parsed = readUpload(name, text);
    } catch (caught) {
      return answer(400, feedError("invalid_file", `Cannot parse ${name}: ${String(caught)}`));
    }
    const badRows = new Set(parsed.errors.map((e) => e.row)).size;
    const upload: FeedUpload = {
      seq: uploads.length + 1,
      receivedAt: isoNow(),
      method: req.method,
      name,
      format: parsed.format,
      feedId,
      bytes: raw.length,
      gzip: raw,
      text,
      rows: parsed.rows.length,
      validRows: parsed.rows.length - badRows,
      errors: parsed.errors,
      replacedFeed: false,
      status: 0,
    };
    uploads.push(upload);
    if (parsed.errors.length > 0) {
      upload.status = 422;
      const sample = parsed.errors
        .slice(0, 3)
        .map((e) => `row ${e.row}: ${e.message}`)
        .join("; ");
      return answer(
        422,
        feedError("invalid_rows", `${badRows} of ${upload.rows} rows are invalid: ${sample}`),
      );
    }
    if (feed) {
      if (parsed.format !== "jsonl" || jsonlProfile !== "acp_product") {
        upload.status = 400;
        return answer(
          400,
          feedError("unsupported_format", "Full replacement of a feed takes JSONL Products."),
        );
      }
      feed.products = new Map((parsed.rows as Product[]).map((p) => [p.id, p]));
      feed.metadata.updated_at = isoNow();
      upload.replacedFeed = true;
    }
    upload.status = 201;
    return answer(201, {
      name,
      format: parsed.format,
      rows: upload.rows,
      ...(feedId ? { feed_id: feedId } : {}),
    });
  }

  async function handleFeedApi(
    req: IncomingMessage,
    res: ServerResponse,
    url: URL,
    raw: Buffer,
    log: FeedRequestLogEntry,
  ): Promise<void> {
    const method = req.method ?? "GET";
    const headers = log.headers;
    const answer = (status: number, body: unknown, extra: Record<string, string> = {}) => {
      log.status = status;
      log.response = body;
      sendJson(res, status, body, extra);
    };
    const segments = url.pathname.split("/").filter(Boolean).map(decodeURIComponent);
    // /feeds | /feeds/{id} | /feeds/{id}/products
    const route =
      segments.length === 1
        ? "feeds"
        : segments.length === 2
          ? "feed"
          : segments.length === 3 && segments[2] === "products"
            ? "products"
            : undefined;
    const allowed = { feeds: ["POST"], feed: ["GET"], products: ["GET", "PATCH"] } as const;
    if (!route) return answer(404, feedError("not_found", `No endpoint at ${url.pathname}`));
    if (!(allowed[route] as readonly string[]).includes(method)) {
      return answer(405, feedError("method_not_allowed", `${method} is not allowed here.`), {
        allow: allowed[route].join(", "),
      });
    }

    const apiVersion = headers["api-version"];
    if (!apiVersion) return answer(400, feedError("missing_api_version", "API-Version header is required."));
    if (!apiVersions.includes(apiVersion)) {
      return answer(
        400,
        feedError(
          "unsupported_api_version",
          `API-Version ${apiVersion} is not supported; use ${apiVersions.join(", ")}.`,
        ),
      );
    }

    let body: unknown;
    if (method !== "GET") {
      if (!isJsonContentType(headers["content-type"])) {
        return answer(400, feedError("invalid_content_type", "Content-Type must be application/json."));
      }
      try {
        body = JSON.parse(raw.toString("utf8"));
        log.body = body;
      } catch {
        return answer(400, feedError("invalid_json", "Body is not valid JSON."));
      }
    }

    // "Mutating requests SHOULD use idempotency where supported" (rfc.product_feeds §5): a repeated
    // key with the same body replays the stored answer instead of creating a second feed.
    const key = method !== "GET" ? headers["idempotency-key"] : undefined;
    log.idempotencyKey = key;
    const scope = key ? `${method} ${url.pathname} ${key}` : undefined;
    if (scope) {
      const stored = idempotency.get(scope);
      const fingerprint = canonicalJson(body);
      if (stored && stored.fingerprint !== fingerprint) {
        return answer(
          422,
          feedError(
            "idempotency_conflict",
            "Idempotency-Key has already been used with a different request body",
          ),
        );
      }
      if (stored) {
        log.replayed = true;
        return answer(stored.status, stored.body, { "idempotent-replayed": "true", "idempotency-key": key! });
      }
    }
    const remember = (status: number, responseBody: unknown) => {
      if (scope && status < 500)
        idempotency.set(scope, { fingerprint: canonicalJson(body), status, body: responseBody });
      answer(status, responseBody, key ? { "idempotency-key": key } : {});
    };

    if (route === "feeds") {
      const verdict = validateDef(FEED_VERSION, FEED_SCHEMA, "CreateFeedRequest", body);
      if (!verdict.valid) {
        const first = verdict.errors[0];
        return remember(
          400,
          feedError("invalid_request", `${first.jsonPath} ${first.message}`, param(verdict.errors)),
        );
      }
      const id = `feed_${randomBytes(6).toString("base64url")}`;
      const request = body as { target_country?: string };
      const metadata: FeedMetadata = {
        id,
        ...(request.target_country ? { target_country: request.target_country } : {}),
        updated_at: isoNow(),
      };
      feeds.set(id, { metadata, products: new Map() });
      return remember(201, metadata);
    }

    const feedId = segments[1];
    const feed = feeds.get(feedId);
    if (!feed) return answer(404, feedError("feed_not_found", "Feed not found", "id"));
    if (route === "feed") return answer(200, feed.metadata);
    if (method === "GET") return answer(200, { products: [...feed.products.values()] });

    const verdict = validateDef(FEED_VERSION, FEED_SCHEMA, "UpsertProductsRequest", body);
    if (!verdict.valid) {
      const first = verdict.errors[0];
      return remember(
        400,
        feedError("invalid_product_payload", `${first.jsonPath} ${first.message}`, param(verdict.errors)),
      );
    }
    const products = (body as { products: Product[] }).products;
    if (products.length === 0) {
      return remember(
        400,
        feedError("invalid_product_payload", "products must contain at least one valid Product", "products"),
      );
    }
    const ids = products.map((p) => p.id);
    const repeated = ids.find((id, i) => ids.indexOf(id) !== i);
    if (repeated !== undefined) {
      return remember(
        400,
        feedError("duplicate_product_id", `Product.id "${repeated}" appears twice in one upsert`, "products"),
      );
    }
    const unchanged = products
      .filter((p) => {
        const current = feed.products.get(p.id);
        return current !== undefined && canonicalJson(current) === canonicalJson(p);
      })
      .map((p) => p.id);
    // Upsert replaces the whole Product: the RFC asks merchants to send complete objects and
    // defines no field-level merge.
    for (const product of products) feed.products.set(product.id, product);
    feed.metadata.updated_at = isoNow();
    upserts.push({ requestSeq: log.seq, feedId, productIds: ids, unchanged });
    return remember(200, { id: feedId, accepted: true });
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://localhost");
    let raw: Buffer;
    try {
      raw = await readBody(req);
    } catch (caught) {
      if (caught instanceof BodyTooLarge)
        return sendJson(res, 413, feedError("payload_too_large", caught.message));
      throw caught;
    }
    const headers = headerRecord(req);
    const isUpload = url.pathname.startsWith("/uploads/");
    const log: FeedRequestLogEntry = {
      seq: requests.length + 1,
      at: isoNow(),
      method: req.method ?? "GET",
      path: url.pathname + url.search,
      headers,
      // Uploads are gzip; their bytes live on the upload record.
      rawBody: isUpload ? "" : raw.toString("utf8"),
      status: 0,
    };
    requests.push(log);

    const fault = faults.take(log.method, url.pathname);
    if (fault) {
      log.fault = fault;
      if (await playFault(res, fault)) {
        log.status = fault.dropConnection ? "dropped" : (fault.status ?? 0);
        return;
      }
    }
    if (!authorized(headers)) {
      log.status = 401;
      log.response = feedError("unauthorized", "Missing or invalid bearer token.");
      return sendJson(res, 401, log.response, { "www-authenticate": "Bearer" });
    }
    if (isUpload) return handleUpload(req, res, url, raw, log);
    if (url.pathname === "/feeds" || url.pathname.startsWith("/feeds/"))
      return handleFeedApi(req, res, url, raw, log);
    log.status = 404;
    log.response = feedError("not_found", `No endpoint at ${url.pathname}`);
    return sendJson(res, 404, log.response);
  }

  const listening = await listen(handle, { port: options.port });
  return {
    origin: listening.origin,
    token,
    uploadUrl: (name, feedId) =>
      `${listening.origin}/uploads/${encodeURIComponent(name)}${feedId ? `?feed_id=${encodeURIComponent(feedId)}` : ""}`,
    faults,
    uploads: () => [...uploads],
    requests: () => [...requests],
    feeds: () => [...feeds.values()].map((f) => f.metadata),
    products: (feedId) => {
      const feed = feeds.get(feedId);
      return feed ? [...feed.products.values()] : undefined;
    },
    upserts: () => [...upserts],
    dropFeed: (feedId) => feeds.delete(feedId),
    unchangedUpserts: () =>
      upserts.flatMap((u) =>
        u.unchanged.map((productId) => ({ requestSeq: u.requestSeq, feedId: u.feedId, productId })),
      ),
    reset: () => {
      uploads = [];
      requests = [];
      upserts = [];
      feeds = new Map();
      idempotency = new Map();
      faults.clear();
    },
    close: listening.close,
  };
}
