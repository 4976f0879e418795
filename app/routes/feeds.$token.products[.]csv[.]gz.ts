import type { LoaderFunctionArgs } from "@remix-run/node";
import { feedResponse } from "../catalog/serve.server";

// The shop's pull feed as CSV (OpenAI file-upload rows, header line first), gzip.
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  feedResponse(request, params.token ?? "", "csv");
