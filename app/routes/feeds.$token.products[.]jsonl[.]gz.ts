import type { LoaderFunctionArgs } from "@remix-run/node";
import { feedResponse } from "../catalog/serve.server";

// The shop's pull feed as JSON Lines (OpenAI file-upload rows), gzip; the token in the path names the shop.
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  feedResponse(request, params.token ?? "", "jsonl");
