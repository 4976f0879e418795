import type { LoaderFunctionArgs } from "@remix-run/node";
import { feedIndexResponse } from "../catalog/serve.server";

// Item count, version and the file (or, above the shard size, the shard) URLs of the shop's feed.
export const loader = ({ request, params }: LoaderFunctionArgs) =>
  feedIndexResponse(request, params.token ?? "");
