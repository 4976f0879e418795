import type { LoaderFunctionArgs } from "@remix-run/node";
import { limitByClientAddress } from "../acp/rate-limit.server";
import { feedIndexResponse } from "../catalog/serve.server";

// Item count, version and the file (or, above the shard size, the shard) URLs of the shop's feed.
// Limited per client address before the token is looked up: no guessing tokens by volume.
export const loader = async ({ request, params }: LoaderFunctionArgs) =>
  (await limitByClientAddress("feed")) ?? feedIndexResponse(request, params.token ?? "");
