import type { LoaderFunctionArgs } from "@remix-run/node";
import { limitByClientAddress } from "../acp/rate-limit.server";
import { feedResponse } from "../catalog/serve.server";

// The shop's pull feed as CSV (OpenAI file-upload rows, header line first), gzip.
// Limited per client address before the token is looked up: no guessing tokens by volume.
export const loader = async ({ request, params }: LoaderFunctionArgs) =>
  (await limitByClientAddress("feed")) ?? feedResponse(request, params.token ?? "", "csv");
