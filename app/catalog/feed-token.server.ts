import type { FeedSettings } from "@prisma/client";
import prisma from "../db.server";
import { env } from "../env.server";
import { randomToken, safeEqual, sha256Hex } from "../lib/crypto.server";

/**
 * The secret in a shop's feed URL (`/feeds/<token>/products.jsonl.gz`). Like agent API keys, only its
 * SHA-256 digest and a short prefix are stored: the full URL is shown once, when the token is made, and
 * rotating it cuts off every copy of the old URL at once.
 */

const TOKEN_PREFIX = "feed_";
const PREFIX_LENGTH = TOKEN_PREFIX.length + 6;
/** A 32-byte token in base64url; anything else cannot be a token and is refused before any lookup. */
const TOKEN_SHAPE = /^feed_[A-Za-z0-9_-]{43}$/;

export interface FeedUrls {
  /** OpenAI file-upload rows, one JSON object per line, gzip. */
  jsonl: string;
  /** The same rows as CSV with a header line, gzip. */
  csv: string;
  /** Item count, version and, above the shard size, one URL pair per shard. */
  index: string;
}

export function feedUrls(token: string): FeedUrls {
  const base = `${env().SHOPIFY_APP_URL.replace(/\/$/, "")}/feeds/${encodeURIComponent(token)}`;
  return {
    jsonl: `${base}/products.jsonl.gz`,
    csv: `${base}/products.csv.gz`,
    index: `${base}/index.json`,
  };
}

/** Makes a new feed token for the shop (the old URL stops working). The plaintext is returned only here. */
export async function rotateFeedToken(
  shop: string,
): Promise<{ token: string; prefix: string; urls: FeedUrls }> {
  const token = randomToken(TOKEN_PREFIX);
  const prefix = token.slice(0, PREFIX_LENGTH);
  const data = { tokenHash: sha256Hex(token), tokenPrefix: prefix, tokenCreatedAt: new Date() };
  await prisma.feedSettings.upsert({ where: { shop }, create: { shop, ...data }, update: data });
  return { token, prefix, urls: feedUrls(token) };
}

/**
 * The shop's feed URLs for display. The token cannot be recovered, so its place shows the prefix and
 * "…"; null when the shop has no token yet (call `rotateFeedToken`).
 */
export async function feedUrlFor(
  shop: string,
): Promise<{ prefix: string; createdAt: Date | null; urls: FeedUrls } | null> {
  const settings = await prisma.feedSettings.findUnique({
    where: { shop },
    select: { tokenPrefix: true, tokenCreatedAt: true },
  });
  if (!settings?.tokenPrefix) return null;
  return {
    prefix: settings.tokenPrefix,
    createdAt: settings.tokenCreatedAt,
    urls: feedUrls(`${settings.tokenPrefix}…`),
  };
}

/**
 * The settings of the installed shop whose feed token this is, or null. The lookup is by digest (an index
 * hit, so timing does not depend on how much of the token matches) and the digests are compared in
 * constant time once more.
 */
export async function feedSettingsForToken(token: string): Promise<FeedSettings | null> {
  if (!TOKEN_SHAPE.test(token)) return null;
  const digest = sha256Hex(token);
  const settings = await prisma.feedSettings.findUnique({ where: { tokenHash: digest } });
  if (!settings?.tokenHash || !safeEqual(settings.tokenHash, digest)) return null;
  const shop = await prisma.shop.findUnique({
    where: { domain: settings.shop },
    select: { uninstalledAt: true },
  });
  return shop && !shop.uninstalledAt ? settings : null;
}
