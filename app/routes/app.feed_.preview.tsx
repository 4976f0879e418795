import { useState } from "react";
import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  EmptyState,
  InlineStack,
  Page,
  Pagination,
  Tabs,
  Text,
  TextField,
} from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { feedPreview, type PreviewView } from "../catalog/admin.server";
import { EMPTY_IMAGE } from "../components/empty-image";
import { RouteError } from "../components/RouteError";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const params = new URL(request.url).searchParams;
  const view: PreviewView = params.get("view") === "products" ? "products" : "rows";
  return feedPreview(session.shop, view, Number(params.get("page") ?? 1), params.get("q") ?? "");
};

const VIEWS: { id: PreviewView; content: string }[] = [
  { id: "rows", content: "Pull file rows" },
  { id: "products", content: "Feed API products" },
];

export default function FeedPreview() {
  const preview = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  const navigation = useNavigation();
  const loading = navigation.state === "loading";
  const [search, setSearch] = useState(preview.search);
  const go = (changes: Record<string, string>) => {
    const next = new URLSearchParams(params);
    for (const [name, value] of Object.entries(changes)) next.set(name, value);
    setParams(next);
  };

  return (
    <Page
      title="Feed preview"
      subtitle="Exactly what agents receive: the rows of the pull URL and pushed files, or the products sent to the Feed API."
      backAction={{ content: "Product feed", url: "/app/feed" }}
      secondaryActions={[{ content: "Rules", url: "/app/feed/rules" }]}
    >
      <Card padding="0">
        <Tabs
          tabs={VIEWS.map((view) => ({ ...view, panelID: "feed-preview" }))}
          selected={preview.view === "products" ? 1 : 0}
          onSelect={(index) => go({ view: VIEWS[index].id, page: "1" })}
        >
          <div id="feed-preview" aria-busy={loading}>
            <Box padding="400" paddingBlockEnd="0">
              <form
                role="search"
                onSubmit={(event) => {
                  event.preventDefault();
                  go({ q: search, page: "1" });
                }}
              >
                <InlineStack gap="200" blockAlign="end" wrap={false}>
                  <div style={{ flex: 1 }}>
                    <TextField
                      label="Search the feed"
                      value={search}
                      onChange={setSearch}
                      placeholder="Title, id, brand…"
                      autoComplete="off"
                      clearButton
                      onClearButtonClick={() => {
                        setSearch("");
                        go({ q: "", page: "1" });
                      }}
                    />
                  </div>
                  <Button submit loading={loading}>
                    Search
                  </Button>
                </InlineStack>
              </form>
            </Box>
            {!preview.built ? (
              <EmptyState heading="No feed yet" image={EMPTY_IMAGE}>
                <Text as="p">
                  The first catalog sync has not finished. The preview fills in when it does.
                </Text>
              </EmptyState>
            ) : preview.entries.length === 0 ? (
              <EmptyState
                heading={
                  preview.search
                    ? `Nothing agents can see matches “${preview.search}”`
                    : "Nothing agents can see"
                }
                image={EMPTY_IMAGE}
              >
                <Text as="p">
                  No item passes your rules and the feed checks. Check the rules and the invalid items.
                </Text>
              </EmptyState>
            ) : (
              <>
                <Box padding="400" paddingBlockEnd="0">
                  <Text as="p" tone="subdued">
                    <span data-testid="preview-total">{preview.total}</span>{" "}
                    {preview.view === "rows" ? "items" : "products"}, page {preview.page} of{" "}
                    {preview.pageCount}.
                  </Text>
                </Box>
                <ul aria-label="Feed items" style={{ listStyle: "none", margin: 0, padding: 0 }}>
                  {preview.entries.map((entry) => (
                    <li key={entry.key} data-testid="preview-entry">
                      <Box padding="400" borderBlockEndWidth="025" borderColor="border-secondary">
                        <BlockStack gap="100">
                          <InlineStack gap="200" blockAlign="center">
                            <Text as="h3" variant="headingSm">
                              {entry.title}
                            </Text>
                            <Badge>{entry.market}</Badge>
                            {entry.availability ? <Badge tone="info">{entry.availability}</Badge> : null}
                          </InlineStack>
                          <Text as="p" variant="bodySm" tone="subdued">
                            Id {entry.id}
                            {entry.price ? ` · ${entry.price}` : ""}
                          </Text>
                          {/* A native disclosure: keyboard and screen-reader friendly without script. */}
                          <details>
                            <summary style={{ cursor: "pointer" }}>Raw JSON</summary>
                            <pre
                              style={{
                                whiteSpace: "pre-wrap",
                                wordBreak: "break-word",
                                fontSize: 12,
                                margin: "8px 0 0",
                                padding: 8,
                                background: "var(--p-color-bg-surface-secondary)",
                                borderRadius: 8,
                              }}
                            >
                              {entry.json}
                            </pre>
                          </details>
                        </BlockStack>
                      </Box>
                    </li>
                  ))}
                </ul>
                <Box padding="400">
                  <InlineStack align="center">
                    <Pagination
                      hasPrevious={preview.page > 1}
                      onPrevious={() => go({ page: String(preview.page - 1) })}
                      hasNext={preview.page < preview.pageCount}
                      onNext={() => go({ page: String(preview.page + 1) })}
                      label={`Page ${preview.page} of ${preview.pageCount}`}
                    />
                  </InlineStack>
                </Box>
              </>
            )}
          </div>
        </Tabs>
      </Card>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Feed preview" />;
}
