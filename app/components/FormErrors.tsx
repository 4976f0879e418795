import { Banner, Text } from "@shopify/polaris";
import type { ActionResult } from "../admin/forms";

/** The banner above a form for errors that belong to no single field. */
export function FormErrorBanner({ result, intent }: { result: ActionResult | undefined; intent?: string }) {
  if (!result || result.ok || (intent && result.intent !== intent) || !result.formError) return null;
  return (
    <Banner tone="critical" title="Not saved">
      <Text as="p">{result.formError}</Text>
    </Banner>
  );
}

/** The error of one field from the last submission of `intent`, for Polaris' `error` prop. */
export function fieldError(
  result: ActionResult | undefined,
  intent: string,
  field: string,
): string | undefined {
  if (!result || result.ok || result.intent !== intent) return undefined;
  return result.fieldErrors[field];
}
