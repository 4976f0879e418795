import { discoveryDocument } from "../acp/discovery.server";
import { limitByClientAddress } from "../acp/rate-limit.server";

/**
 * GET /.well-known/acp.json — ACP discovery (2026-04-17). Unauthenticated and the same for every
 * shop, so it names no merchant (rfc.discovery: no merchant identifiers on a multi-seller host).
 * Limited per client address (TRUST_PROXY decides which address that is).
 */
export const loader = async ({ request }: { request: Request }) =>
  (await limitByClientAddress("discovery")) ??
  Response.json(discoveryDocument(new URL(request.url).origin), {
    headers: { "Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*" },
  });
