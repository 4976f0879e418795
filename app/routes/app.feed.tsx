import { useEffect, useState } from "react";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import {
  useActionData,
  useLoaderData,
  useNavigation,
  useRevalidator,
  useSearchParams,
  useSubmit,
} from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  DataTable,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  Page,
  ProgressBar,
  Tabs,
  Text,
} from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { feedOverview, rotateFeedUrl, startFeedSync, type FeedRunView } from "../admin/feed.server";
import { failure, type ActionResult } from "../admin/forms";
import type { FeedUrls } from "../catalog/feed-token.server";
import { ConfirmModal } from "../components/ConfirmModal";
import { formatDateTime } from "../components/format";
import { RouteError } from "../components/RouteError";
import { SecretModal } from "../components/SecretModal";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const filter = new URL(request.url).searchParams.get("problems") === "excluded" ? "excluded" : "invalid";
  return feedOverview(session.shop, { problemFilter: filter });
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const intent = String((await request.formData()).get("intent") ?? "");
  let result: ActionResult<{ urls?: FeedUrls; requestedAt?: string }>;
  if (intent === "sync") result = await startFeedSync(session.shop);
  else if (intent === "rotate") result = await rotateFeedUrl(session.shop);
  else result = failure(intent, {}, "Unknown action.");
  return data(result, { status: result.ok ? 200 : 400 });
};

/** While a sync runs the page refreshes itself, so the progress bar moves without a reload. */
const POLL_MS = 1500;

export default function Feed() {
  const overview = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const revalidator = useRevalidator();
  const [params, setParams] = useSearchParams();
  const [confirmRotate, setConfirmRotate] = useState(false);
  const [urlsOpen, setUrlsOpen] = useState(false);
  const busy = (intent: string) =>
    navigation.state !== "idle" && navigation.formData?.get("intent") === intent;
  // A requested sync is queued first; it counts as started once a run begun after the request shows up.
  const requestedAt = result?.ok && result.intent === "sync" ? result.requestedAt : undefined;
  const syncPending = Boolean(requestedAt && !overview.runs.some((run) => run.startedAt >= requestedAt));
  const waitingForSync = overview.running !== null || syncPending;

  // Each fresh load schedules the next one while the sync is still going.
  const { revalidate } = revalidator;
  useEffect(() => {
    if (!waitingForSync) return;
    const timer = setTimeout(revalidate, POLL_MS);
    return () => clearTimeout(timer);
  }, [overview, waitingForSync, revalidate]);

  const revealedUrls = result?.ok && result.intent === "rotate" ? result.urls : undefined;
  useEffect(() => {
    if (revealedUrls) setUrlsOpen(true);
  }, [revealedUrls]);

  const tabs = [
    { id: "invalid", content: `Invalid (${overview.counts.invalid})`, panelID: "feed-problems" },
    { id: "excluded", content: `Excluded (${overview.counts.excluded})`, panelID: "feed-problems" },
  ];

  return (
    <Page title="Product feed" backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            <nav aria-label="Feed pages">
              <InlineStack gap="200">
                <Button url="/app/feed/rules">Rules</Button>
                <Button url="/app/feed/preview">Preview</Button>
                <Button url="/app/feed/destinations">Destinations</Button>
              </InlineStack>
            </nav>
            {result && !result.ok && result.formError ? (
              <Banner tone="critical" title="Not done">
                <Text as="p">{result.formError}</Text>
              </Banner>
            ) : null}
            <Card>
              <BlockStack gap="400">
                <InlineStack align="space-between" blockAlign="center">
                  <Text as="h2" variant="headingMd">
                    Sync
                  </Text>
                  <Button
                    variant="primary"
                    loading={busy("sync")}
                    disabled={overview.running !== null}
                    onClick={() => submit({ intent: "sync" }, { method: "post" })}
                  >
                    Sync now
                  </Button>
                </InlineStack>
                <InlineGrid columns={3} gap="400">
                  <Count
                    label="Agents can buy"
                    value={overview.counts.valid}
                    tone="success"
                    testId="feed-valid"
                  />
                  <Count label="Invalid" value={overview.counts.invalid} tone="critical" />
                  <Count label="Excluded by rules" value={overview.counts.excluded} />
                </InlineGrid>
                {overview.running ? (
                  <BlockStack gap="100">
                    <Text as="p">
                      {overview.running.status === "exporting"
                        ? "Shopify is exporting your catalog…"
                        : `Importing: ${overview.running.done}${overview.running.total ? ` of ${overview.running.total}` : ""} products`}
                    </Text>
                    <ProgressBar
                      progress={
                        overview.running.total
                          ? Math.min(100, (overview.running.done / overview.running.total) * 100)
                          : 5
                      }
                      size="small"
                    />
                  </BlockStack>
                ) : syncPending ? (
                  <Text as="p">Sync requested; it starts in a moment.</Text>
                ) : (
                  <Text as="p" tone="subdued">
                    {overview.lastFullSyncAt
                      ? `Last full sync ${formatDateTime(overview.lastFullSyncAt)}. Product changes sync as they happen.`
                      : "Not synced yet. Sync once; after that, product changes sync as they happen."}
                  </Text>
                )}
              </BlockStack>
            </Card>

            <Card padding="0">
              <Box padding="400" paddingBlockEnd="200">
                <Text as="h2" variant="headingMd">
                  Items agents cannot buy
                </Text>
              </Box>
              <Tabs
                tabs={tabs}
                selected={overview.problemFilter === "excluded" ? 1 : 0}
                onSelect={(index) => {
                  const next = new URLSearchParams(params);
                  next.set("problems", tabs[index].id);
                  setParams(next, { replace: true });
                }}
              >
                {overview.problems.length === 0 ? (
                  <Box padding="400">
                    <Text as="p" tone="subdued">
                      {overview.problemFilter === "invalid"
                        ? "No invalid items: everything synced passes the feed's checks."
                        : "No items are excluded by your feed rules."}
                    </Text>
                  </Box>
                ) : (
                  <ul aria-label="Items with problems" style={{ listStyle: "none", margin: 0, padding: 0 }}>
                    {overview.problems.map((item) => (
                      <li key={`${item.itemId}-${item.markets.join()}`}>
                        <Box padding="400" borderBlockStartWidth="025" borderColor="border-secondary">
                          <BlockStack gap="100">
                            <InlineStack gap="200" blockAlign="center">
                              <Link url={`shopify://admin/products/${item.productId}`}>
                                {item.title ?? `Product ${item.productId}`}
                              </Link>
                              <Text as="span" variant="bodySm" tone="subdued">
                                Variant {item.itemId} ·{" "}
                                {item.markets.includes("*") ? "all markets" : item.markets.join(", ")}
                              </Text>
                            </InlineStack>
                            {item.problems.map((problem, index) => (
                              <Text
                                key={index}
                                as="p"
                                tone={problem.severity === "warning" ? "caution" : undefined}
                              >
                                {problem.message}
                              </Text>
                            ))}
                          </BlockStack>
                        </Box>
                      </li>
                    ))}
                  </ul>
                )}
                {overview.problemTotal > 50 ? (
                  <Box padding="400">
                    <Text as="p" tone="subdued">
                      Showing the first 50 of {overview.problemTotal} rows.
                    </Text>
                  </Box>
                ) : null}
              </Tabs>
            </Card>

            <Card padding="0">
              <Box padding="400" paddingBlockEnd="200">
                <Text as="h2" variant="headingMd">
                  Recent runs
                </Text>
              </Box>
              {overview.runs.length === 0 ? (
                <Box padding="400" paddingBlockStart="0">
                  <Text as="p" tone="subdued">
                    No runs yet.
                  </Text>
                </Box>
              ) : (
                <DataTable
                  columnContentTypes={["text", "text", "text", "numeric", "numeric", "numeric", "numeric"]}
                  headings={["Started", "Kind", "Status", "Valid", "Invalid", "Excluded", "Removed"]}
                  rows={overview.runs.map((run) => [
                    formatDateTime(run.startedAt),
                    run.kind,
                    <RunStatus key="status" run={run} />,
                    run.valid,
                    run.invalid,
                    run.excluded,
                    run.deleted,
                  ])}
                />
              )}
            </Card>
          </BlockStack>
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="300">
              <Text as="h2" variant="headingMd">
                Pull URL
              </Text>
              <Text as="p" tone="subdued">
                Agent platforms that fetch feeds read your catalog here (gzip JSONL or CSV). The address holds
                a secret: share it only with them.
              </Text>
              {overview.url ? (
                <BlockStack gap="200">
                  <Box padding="200" background="bg-surface-secondary" borderRadius="100">
                    <Text as="p" variant="bodySm" breakWord>
                      {/* The stored prefix stands in for the secret token, so show it unescaped. */}
                      <code>{decodeURIComponent(overview.url.urls.jsonl)}</code>
                    </Text>
                  </Box>
                  <Text as="p" variant="bodySm" tone="subdued">
                    Made {formatDateTime(overview.url.createdAt)}. The full address was shown once; rotate to
                    get a new one.
                  </Text>
                  <Button tone="critical" loading={busy("rotate")} onClick={() => setConfirmRotate(true)}>
                    Rotate URL
                  </Button>
                </BlockStack>
              ) : (
                <Button
                  variant="primary"
                  loading={busy("rotate")}
                  onClick={() => submit({ intent: "rotate" }, { method: "post" })}
                >
                  Create pull URL
                </Button>
              )}
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
      {revealedUrls ? (
        <SecretModal
          open={urlsOpen}
          title="Feed pull URL"
          label={`JSONL (CSV: replace products.jsonl.gz with products.csv.gz; index: ${revealedUrls.index.split("/").pop()})`}
          secret={revealedUrls.jsonl}
          onClose={() => setUrlsOpen(false)}
        />
      ) : null}
      <ConfirmModal
        open={confirmRotate}
        title="Rotate the pull URL?"
        message="The current URL stops working at once; every agent platform that reads it needs the new one."
        confirmLabel="Rotate URL"
        onClose={() => setConfirmRotate(false)}
        onConfirm={() => {
          submit({ intent: "rotate" }, { method: "post" });
          setConfirmRotate(false);
        }}
      />
    </Page>
  );
}

function Count({
  label,
  value,
  tone,
  testId,
}: {
  label: string;
  value: number;
  tone?: "success" | "critical";
  testId?: string;
}) {
  return (
    <BlockStack gap="050">
      <Text as="p" tone="subdued" variant="bodySm">
        {label}
      </Text>
      <Text as="p" variant="headingLg" tone={value > 0 ? tone : undefined}>
        <span data-testid={testId}>{value}</span>
      </Text>
    </BlockStack>
  );
}

function RunStatus({ run }: { run: FeedRunView }) {
  if (run.status === "succeeded") return <Badge tone="success">Succeeded</Badge>;
  if (run.status === "failed") {
    return (
      <InlineStack gap="100" blockAlign="center">
        <Badge tone="critical">Failed</Badge>
        {run.error ? (
          <Text as="span" variant="bodySm" tone="critical">
            {run.error}
          </Text>
        ) : null}
      </InlineStack>
    );
  }
  if (run.status === "exporting" || run.status === "importing") return <Badge tone="info">Running</Badge>;
  return <Badge>{run.status}</Badge>;
}

export function ErrorBoundary() {
  return <RouteError title="Product feed" />;
}
