import { useEffect, useState } from "react";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { useActionData, useLoaderData, useNavigation, useRevalidator, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  ButtonGroup,
  Card,
  Checkbox,
  DataTable,
  EmptyState,
  FormLayout,
  InlineStack,
  Layout,
  Modal,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { ZodError } from "zod";
import { authenticate } from "../shopify.server";
import { failure, fieldErrorsOf, type ActionResult } from "../admin/forms";
import {
  createDestination,
  deleteDestination,
  feedMarkets,
  listDestinations,
  pushNow,
  recentDeliveries,
  setDestinationEnabled,
  updateDestination,
  type DestinationInput,
  type DestinationView,
} from "../catalog/destinations.server";
import { ConfirmModal } from "../components/ConfirmModal";
import { fieldError, FormErrorBanner } from "../components/FormErrors";
import { formatDateTime } from "../components/format";
import { EMPTY_IMAGE } from "../components/empty-image";
import { RouteError } from "../components/RouteError";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [destinations, deliveries, markets] = await Promise.all([
    listDestinations(session.shop),
    recentDeliveries(session.shop),
    feedMarkets(session.shop),
  ]);
  return { destinations, deliveries, markets };
};

function inputFrom(form: FormData): DestinationInput {
  const text = (name: string) => {
    const value = form.get(name);
    return typeof value === "string" && value !== "" ? value : undefined;
  };
  return {
    name: text("name") ?? "",
    kind: (text("kind") ?? "") as DestinationInput["kind"],
    url: text("url") ?? "",
    format: text("format") as DestinationInput["format"],
    market: text("market"),
    authHeader: text("authHeader"),
    secret: text("secret"),
    intervalMinutes: text("intervalMinutes") ?? "",
    enabled: form.get("enabled") === "true",
  };
}

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const shop = session.shop;
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const id = String(form.get("id") ?? "");
  let result: ActionResult<{ message?: string; pushed?: { id: string; requestedAt: string } }>;
  const requestedAt = new Date().toISOString();
  try {
    if (intent === "create") {
      const created = await createDestination(shop, inputFrom(form));
      result = {
        ok: true,
        intent,
        message: "Destination added; its first push is queued.",
        pushed: { id: created, requestedAt },
      };
    } else if (intent === "update") {
      result = (await updateDestination(shop, id, inputFrom(form)))
        ? { ok: true, intent, message: "Destination saved." }
        : failure(intent, {}, "That destination no longer exists.");
    } else if (intent === "enable" || intent === "disable") {
      result = (await setDestinationEnabled(shop, id, intent === "enable"))
        ? {
            ok: true,
            intent,
            message: intent === "enable" ? "Destination enabled." : "Destination disabled.",
          }
        : failure(intent, {}, "That destination no longer exists.");
    } else if (intent === "delete") {
      result = (await deleteDestination(shop, id))
        ? { ok: true, intent, message: "Destination deleted." }
        : failure(intent, {}, "That destination no longer exists.");
    } else if (intent === "push") {
      const outcome = await pushNow(shop, id);
      result =
        outcome === "queued"
          ? {
              ok: true,
              intent,
              message: "Push queued; it shows in the history when it has run.",
              pushed: { id, requestedAt },
            }
          : failure(
              intent,
              {},
              outcome === "disabled" ? "Enable the destination first." : "That destination no longer exists.",
            );
    } else {
      result = failure(intent, {}, "Unknown action.");
    }
  } catch (error) {
    if (!(error instanceof ZodError)) throw error;
    result = failure(intent, fieldErrorsOf(error), "Check the highlighted fields.");
  }
  return data(result, { status: result.ok ? 200 : 400 });
};

interface Draft {
  id?: string;
  name: string;
  kind: string;
  url: string;
  format: string;
  market: string;
  authHeader: string;
  secret: string;
  intervalMinutes: string;
  enabled: boolean;
  secretLast4?: string | null;
}

const EMPTY_DRAFT: Draft = {
  name: "",
  kind: "feed_api",
  url: "",
  format: "jsonl",
  market: "",
  authHeader: "Authorization",
  secret: "",
  intervalMinutes: "60",
  enabled: true,
};

function draftOf(destination: DestinationView): Draft {
  return {
    id: destination.id,
    name: destination.name,
    kind: destination.kind,
    url: destination.url,
    format: destination.format ?? "jsonl",
    market: destination.market ?? "",
    authHeader: destination.authHeader,
    secret: "",
    intervalMinutes: String(destination.intervalMinutes),
    enabled: destination.enabled,
    secretLast4: destination.secretLast4,
  };
}

/** While a push may be running the page refreshes itself, so the history fills in. */
const POLL_MS = 2000;

export default function FeedDestinations() {
  const { destinations, deliveries, markets } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const { revalidate } = useRevalidator();
  const [draft, setDraft] = useState<Draft | null>(null);
  const [deleting, setDeleting] = useState<DestinationView | null>(null);
  const submitting = navigation.state === "submitting";
  const intentBusy = (intent: string, id?: string) =>
    submitting &&
    navigation.formData?.get("intent") === intent &&
    (!id || navigation.formData?.get("id") === id);
  const formIntent = draft?.id ? "update" : "create";

  // A saved form closes; a refused one stays open with its field errors.
  useEffect(() => {
    if (result?.ok && (result.intent === "create" || result.intent === "update")) setDraft(null);
  }, [result]);

  // Refresh while a push is under way, or until the one just requested has finished (for at most
  // two minutes: a push waiting on a long Retry-After shows up on the next visit).
  const pushed = result?.ok ? result.pushed : undefined;
  const awaitingPushed =
    pushed !== undefined &&
    Date.now() - Date.parse(pushed.requestedAt) < 120_000 &&
    !deliveries.some(
      (d) =>
        d.destinationId === pushed.id &&
        d.startedAt >= pushed.requestedAt &&
        d.status !== "running" &&
        d.status !== "retrying",
    );
  const active = awaitingPushed || deliveries.some((d) => d.status === "running");
  useEffect(() => {
    if (!active) return;
    const timer = setTimeout(revalidate, POLL_MS);
    return () => clearTimeout(timer);
  }, [active, deliveries, revalidate]);

  const names = new Map(destinations.map((d) => [d.id, d.name]));
  const marketOptions = [
    { label: markets.length ? "Choose a market" : "No market synced yet", value: "" },
    ...markets.map((market) => ({ label: market, value: market })),
  ];
  const error = (field: string) => fieldError(result, formIntent, field);

  const saveDraft = () => {
    if (!draft) return;
    const { secretLast4: _last4, ...fields } = draft;
    submit(
      { intent: formIntent, ...fields, id: draft.id ?? "", enabled: String(draft.enabled) },
      { method: "post" },
    );
  };

  return (
    <Page
      title="Feed destinations"
      subtitle="Where the app pushes your feed: whole files to an upload URL, or products to an agent's ACP Feed API."
      backAction={{ content: "Product feed", url: "/app/feed" }}
      primaryAction={{ content: "Add destination", onAction: () => setDraft({ ...EMPTY_DRAFT }) }}
    >
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.ok && result.message ? (
              <Banner tone="success" title={result.message} />
            ) : result && !result.ok && !draft ? (
              <FormErrorBanner result={result} />
            ) : null}
            <Card padding="0">
              {destinations.length === 0 ? (
                <EmptyState
                  heading="No destinations yet"
                  image={EMPTY_IMAGE}
                  action={{ content: "Add destination", onAction: () => setDraft({ ...EMPTY_DRAFT }) }}
                >
                  <Text as="p">
                    Agents can still read the pull URL. Add a destination to push the feed to them.
                  </Text>
                </EmptyState>
              ) : (
                <ul aria-label="Destinations" style={{ listStyle: "none", margin: 0, padding: 0 }}>
                  {destinations.map((destination) => (
                    <li key={destination.id}>
                      <Box padding="400" borderBlockEndWidth="025" borderColor="border-secondary">
                        <InlineStack align="space-between" blockAlign="center" gap="300">
                          <BlockStack gap="100">
                            <InlineStack gap="200" blockAlign="center">
                              <Text as="h2" variant="headingSm">
                                {destination.name}
                              </Text>
                              <Badge>
                                {destination.kind === "feed_api"
                                  ? "ACP Feed API"
                                  : `File (${destination.format})`}
                              </Badge>
                              {destination.enabled ? null : <Badge tone="attention">Disabled</Badge>}
                              <StatusBadge status={destination.lastStatus} />
                            </InlineStack>
                            <Text as="p" variant="bodySm" tone="subdued" breakWord>
                              {destination.url}
                              {destination.market ? ` · market ${destination.market}` : ""} · every{" "}
                              {destination.intervalMinutes} min
                              {destination.secretLast4
                                ? ` · secret ••••${destination.secretLast4}`
                                : " · no secret"}
                            </Text>
                            <Text as="p" variant="bodySm" tone="subdued">
                              {destination.lastPushAt
                                ? `Last push ${formatDateTime(destination.lastPushAt)}`
                                : "Not pushed yet"}
                              {destination.remoteFeedId ? ` · feed ${destination.remoteFeedId}` : ""}
                            </Text>
                          </BlockStack>
                          <ButtonGroup>
                            <Button
                              onClick={() =>
                                submit({ intent: "push", id: destination.id }, { method: "post" })
                              }
                              loading={intentBusy("push", destination.id)}
                              disabled={!destination.enabled}
                              accessibilityLabel={`Push ${destination.name} now`}
                            >
                              Push now
                            </Button>
                            <Button
                              onClick={() => setDraft(draftOf(destination))}
                              accessibilityLabel={`Edit ${destination.name}`}
                            >
                              Edit
                            </Button>
                            <Button
                              onClick={() =>
                                submit(
                                  { intent: destination.enabled ? "disable" : "enable", id: destination.id },
                                  { method: "post" },
                                )
                              }
                              loading={intentBusy(destination.enabled ? "disable" : "enable", destination.id)}
                              accessibilityLabel={`${destination.enabled ? "Disable" : "Enable"} ${destination.name}`}
                            >
                              {destination.enabled ? "Disable" : "Enable"}
                            </Button>
                            <Button
                              tone="critical"
                              onClick={() => setDeleting(destination)}
                              accessibilityLabel={`Delete ${destination.name}`}
                            >
                              Delete
                            </Button>
                          </ButtonGroup>
                        </InlineStack>
                      </Box>
                    </li>
                  ))}
                </ul>
              )}
            </Card>

            <Card padding="0">
              <Box padding="400" paddingBlockEnd="200">
                <Text as="h2" variant="headingMd">
                  Delivery history
                </Text>
              </Box>
              {deliveries.length === 0 ? (
                <Box padding="400" paddingBlockStart="0">
                  <Text as="p" tone="subdued">
                    No pushes yet.
                  </Text>
                </Box>
              ) : (
                <DataTable
                  columnContentTypes={[
                    "text",
                    "text",
                    "text",
                    "text",
                    "numeric",
                    "numeric",
                    "numeric",
                    "text",
                  ]}
                  headings={[
                    "Started",
                    "Destination",
                    "Trigger",
                    "Status",
                    "HTTP",
                    "Products",
                    "Bytes",
                    "Error",
                  ]}
                  rows={deliveries.map((delivery) => [
                    formatDateTime(delivery.startedAt),
                    names.get(delivery.destinationId) ?? delivery.destinationId,
                    `${delivery.trigger}${delivery.attempt > 1 ? ` (attempt ${delivery.attempt})` : ""}`,
                    <StatusBadge key="status" status={delivery.status} />,
                    delivery.httpStatus ?? "",
                    delivery.removed
                      ? `${delivery.products} (+${delivery.removed} removed)`
                      : delivery.products,
                    delivery.bytes,
                    delivery.error ?? "",
                  ])}
                />
              )}
            </Card>
          </BlockStack>
        </Layout.Section>
      </Layout>

      <Modal
        open={draft !== null}
        onClose={() => setDraft(null)}
        title={draft?.id ? `Edit ${draft.name}` : "Add destination"}
        primaryAction={{ content: "Save", onAction: saveDraft, loading: intentBusy(formIntent) }}
        secondaryActions={[{ content: "Cancel", onAction: () => setDraft(null) }]}
      >
        {draft ? (
          <Modal.Section>
            <BlockStack gap="300">
              <FormErrorBanner result={result} intent={formIntent} />
              <FormLayout>
                <TextField
                  label="Name"
                  value={draft.name}
                  onChange={(name) => setDraft({ ...draft, name })}
                  error={error("name")}
                  autoComplete="off"
                />
                <Select
                  label="Kind"
                  options={[
                    { label: "ACP Feed API (changed products only)", value: "feed_api" },
                    { label: "File upload (whole feed file)", value: "file_upload" },
                  ]}
                  value={draft.kind}
                  onChange={(kind) => setDraft({ ...draft, kind })}
                  error={error("kind")}
                />
                <TextField
                  label={draft.kind === "feed_api" ? "Feed API base URL" : "Upload URL"}
                  helpText={
                    draft.kind === "feed_api"
                      ? "The app calls POST {URL}/feeds once, then PATCH {URL}/feeds/{id}/products."
                      : "The app PUTs the gzip file here."
                  }
                  type="url"
                  value={draft.url}
                  onChange={(url) => setDraft({ ...draft, url })}
                  error={error("url")}
                  autoComplete="off"
                />
                {draft.kind === "feed_api" ? (
                  <Select
                    label="Market"
                    options={marketOptions}
                    value={draft.market}
                    onChange={(market) => setDraft({ ...draft, market })}
                    error={error("market")}
                  />
                ) : (
                  <Select
                    label="File format"
                    options={[
                      { label: "JSON Lines (products.jsonl.gz)", value: "jsonl" },
                      { label: "CSV (products.csv.gz)", value: "csv" },
                    ]}
                    value={draft.format}
                    onChange={(format) => setDraft({ ...draft, format })}
                    error={error("format")}
                  />
                )}
                <FormLayout.Group>
                  <TextField
                    label="Auth header"
                    value={draft.authHeader}
                    onChange={(authHeader) => setDraft({ ...draft, authHeader })}
                    helpText="Authorization sends the secret as a Bearer token."
                    error={error("authHeader")}
                    autoComplete="off"
                  />
                  <TextField
                    label="Secret"
                    type="password"
                    value={draft.secret}
                    onChange={(secret) => setDraft({ ...draft, secret })}
                    helpText={
                      draft.secretLast4
                        ? `Stored (ends ${draft.secretLast4}). Leave blank to keep it.`
                        : "Stored encrypted; never shown again."
                    }
                    error={error("secret")}
                    autoComplete="new-password"
                  />
                </FormLayout.Group>
                <TextField
                  label="Push every (minutes)"
                  type="number"
                  min={5}
                  value={draft.intervalMinutes}
                  onChange={(intervalMinutes) => setDraft({ ...draft, intervalMinutes })}
                  helpText="Changes are also pushed right after each sync."
                  error={error("intervalMinutes")}
                  autoComplete="off"
                />
                <Checkbox
                  label="Enabled"
                  checked={draft.enabled}
                  onChange={(enabled) => setDraft({ ...draft, enabled })}
                />
              </FormLayout>
            </BlockStack>
          </Modal.Section>
        ) : null}
      </Modal>

      <ConfirmModal
        open={deleting !== null}
        title={`Delete ${deleting?.name ?? "destination"}?`}
        message="The app stops pushing to it and forgets its secret and delivery history. What the agent already holds stays there."
        confirmLabel="Delete destination"
        loading={intentBusy("delete")}
        onClose={() => setDeleting(null)}
        onConfirm={() => {
          if (deleting) submit({ intent: "delete", id: deleting.id }, { method: "post" });
          setDeleting(null);
        }}
      />
    </Page>
  );
}

function StatusBadge({ status }: { status: string | null }) {
  if (!status) return null;
  if (status === "succeeded") return <Badge tone="success">Succeeded</Badge>;
  if (status === "skipped") return <Badge>Nothing to send</Badge>;
  if (status === "failed") return <Badge tone="critical">Failed</Badge>;
  if (status === "retrying") return <Badge tone="warning">Retrying</Badge>;
  if (status === "running") return <Badge tone="info">Running</Badge>;
  return <Badge>{status}</Badge>;
}

export function ErrorBoundary() {
  return <RouteError title="Feed destinations" />;
}
