import { discoveryDocument } from "../acp/discovery.server";

/**
 * GET /.well-known/acp.json — ACP discovery (2026-04-17). Unauthenticated and the same for every
 * shop, so it names no merchant (rfc.discovery: no merchant identifiers on a multi-seller host).
 */
export const loader = ({ request }: { request: Request }) =>
  Response.json(discoveryDocument(new URL(request.url).origin), {
    headers: { "Cache-Control": "public, max-age=3600", "Access-Control-Allow-Origin": "*" },
  });
