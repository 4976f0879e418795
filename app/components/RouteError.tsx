import { isRouteErrorResponse, useRouteError } from "@remix-run/react";
import { Banner, BlockStack, Card, Page, Text } from "@shopify/polaris";
import { boundary } from "@shopify/shopify-app-remix/server";

/**
 * The error state of an admin page. Responses thrown by Shopify's auth (re-auth, bounce) go to
 * Shopify's boundary, which renders what they carry; a 404 and anything unexpected get a Polaris page.
 */
export function RouteError({ title }: { title: string }) {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status !== 404) return boundary.error(error);
  const notFound = isRouteErrorResponse(error) && error.status === 404;
  return (
    <Page title={title} backAction={{ content: "Home", url: "/app" }}>
      <Card>
        <BlockStack gap="300">
          <Banner tone="critical" title={notFound ? "Not found" : "Something went wrong"}>
            <Text as="p">
              {notFound
                ? "What you were looking for does not exist in this store, or it was removed."
                : "This page could not be loaded. Reload to try again; if it keeps failing, the error has been logged."}
            </Text>
          </Banner>
        </BlockStack>
      </Card>
    </Page>
  );
}
