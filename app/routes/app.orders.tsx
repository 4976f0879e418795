import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData, useNavigation, useSearchParams } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Card,
  DataTable,
  EmptyState,
  InlineGrid,
  InlineStack,
  Layout,
  Link,
  Page,
  Select,
  Text,
} from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { ordersOverview, parsePeriod, type OrderEventView } from "../admin/orders.server";
import { AgentFunnelChart, CancelReasonsChart, FunnelChart, RevenueChart } from "../components/charts";
import { EMPTY_IMAGE } from "../components/empty-image";
import { formatDateTime, formatMoney } from "../components/format";
import { RouteError } from "../components/RouteError";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const url = new URL(request.url);
  return ordersOverview(session.shop, {
    period: parsePeriod(url.searchParams.get("period")),
    agentId: url.searchParams.get("agent") || null,
  });
};

const PERIOD_OPTIONS = [
  { label: "Last 7 days", value: "7d" },
  { label: "Last 30 days", value: "30d" },
  { label: "Last 90 days", value: "90d" },
  { label: "All time", value: "all" },
];

export default function Orders() {
  const overview = useLoaderData<typeof loader>();
  const [params, setParams] = useSearchParams();
  // Filters live in the URL, so a view can be shared and reloaded.
  const filter = (name: string) => (value: string) => {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  };
  const navigation = useNavigation();
  const loading = navigation.state === "loading" && navigation.location?.pathname === "/app/orders";
  const funnelTotals = overview.funnel.reduce(
    (sum, row) => ({
      created: sum.created + row.created,
      ready: sum.ready + row.readyForPayment,
      completed: sum.completed + row.completed,
    }),
    { created: 0, ready: 0, completed: 0 },
  );
  const cancelReasons = totalReasons(overview.funnel);

  return (
    <Page title="Orders from agents" backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <Card>
            <InlineStack gap="400" blockAlign="end">
              <Select
                label="Period"
                options={PERIOD_OPTIONS}
                value={overview.period}
                onChange={filter("period")}
              />
              <Select
                label="Agent"
                options={[
                  { label: "All agents", value: "" },
                  ...overview.agents.map((agent) => ({ label: agent.name, value: agent.id })),
                ]}
                value={overview.agentId ?? ""}
                onChange={filter("agent")}
              />
              {loading ? (
                <Text as="span" tone="subdued">
                  Updating…
                </Text>
              ) : null}
            </InlineStack>
          </Card>
        </Layout.Section>

        <Layout.Section>
          <InlineGrid columns={{ xs: 1, md: 2 }} gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Checkout funnel
                </Text>
                {funnelTotals.created === 0 ? (
                  <Text as="p" tone="subdued">
                    No checkout sessions in this period.
                  </Text>
                ) : (
                  <FunnelChart
                    label="Checkout funnel, all selected agents"
                    stages={[
                      { label: "Sessions created", value: funnelTotals.created },
                      { label: "Ready for payment", value: funnelTotals.ready },
                      { label: "Completed", value: funnelTotals.completed },
                    ]}
                  />
                )}
                {overview.funnel.length > 0 ? <AgentFunnelChart rows={overview.funnel} /> : null}
                {cancelReasons.length > 0 ? (
                  <BlockStack gap="200">
                    <Text as="h3" variant="headingSm">
                      Why agents canceled
                    </Text>
                    <CancelReasonsChart reasons={cancelReasons} />
                  </BlockStack>
                ) : null}
                {overview.funnel.length > 0 ? (
                  <DataTable
                    columnContentTypes={["text", "numeric", "numeric", "numeric", "text"]}
                    headings={["Agent", "Created", "Ready", "Completed", "Cancel reasons"]}
                    rows={overview.funnel.map((row) => [
                      <AgentName key="agent" name={row.agentName} test={row.test} />,
                      row.created,
                      row.readyForPayment,
                      row.completed,
                      row.cancelReasons.length
                        ? row.cancelReasons.map((entry) => `${entry.reason} (${entry.count})`).join(", ")
                        : "—",
                    ])}
                  />
                ) : null}
              </BlockStack>
            </Card>
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Revenue
                </Text>
                {overview.revenue.length === 0 ? (
                  <Text as="p" tone="subdued">
                    No completed orders in this period.
                  </Text>
                ) : (
                  overview.revenue.map((summary) => (
                    <BlockStack key={summary.currency} gap="300">
                      <InlineGrid columns={3} gap="200">
                        <Figure label="Gross" value={formatMoney(summary.gross, summary.currency)} />
                        <Figure
                          label="Platform fees"
                          value={formatMoney(summary.platformFees, summary.currency)}
                        />
                        <Figure
                          label="Net"
                          value={formatMoney(summary.net, summary.currency)}
                          testId="revenue-net"
                        />
                      </InlineGrid>
                      <Text as="p" tone="subdued" variant="bodySm">
                        {summary.orders} {summary.orders === 1 ? "order" : "orders"}; fee lines buyers paid:{" "}
                        {formatMoney(summary.buyerFees, summary.currency)} (included in gross).
                      </Text>
                      <RevenueChart days={summary.byDay} currency={summary.currency} />
                    </BlockStack>
                  ))
                )}
              </BlockStack>
            </Card>
          </InlineGrid>
        </Layout.Section>

        <Layout.Section>
          <Card padding="0">
            {overview.orders.length === 0 ? (
              <EmptyState heading="No agent orders yet" image={EMPTY_IMAGE}>
                <p>Orders placed by agents in this period appear here with the events sent to the agent.</p>
              </EmptyState>
            ) : (
              <DataTable
                columnContentTypes={["text", "text", "text", "numeric", "text", "text"]}
                headings={["Order", "Agent", "Status", "Total", "Completed", "Events sent to the agent"]}
                rows={overview.orders.map((order) => [
                  <BlockStack key="order" gap="050">
                    {order.orderLegacyId ? (
                      <Link url={`shopify://admin/orders/${order.orderLegacyId}`}>
                        {order.orderName ?? order.orderLegacyId}
                      </Link>
                    ) : (
                      <Text as="span">{order.orderName ?? "—"}</Text>
                    )}
                    <Text as="span" variant="bodySm" tone="subdued">
                      {order.sessionId}
                    </Text>
                  </BlockStack>,
                  <AgentName key="agent" name={order.agentName} test={order.test} />,
                  <StatusBadge key="status" status={order.status} step={order.step} />,
                  formatMoney(order.total, order.currency),
                  formatDateTime(order.completedAt),
                  <EventList key="events" events={order.events} />,
                ])}
              />
            )}
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function Figure({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <BlockStack gap="050">
      <Text as="p" tone="subdued" variant="bodySm">
        {label}
      </Text>
      <Text as="p" variant="headingLg">
        <span data-testid={testId}>{value}</span>
      </Text>
    </BlockStack>
  );
}

/** Cancel reasons summed over the agents shown, most frequent first. */
function totalReasons(rows: { cancelReasons: { reason: string; count: number }[] }[]) {
  const totals = new Map<string, number>();
  for (const row of rows) {
    for (const entry of row.cancelReasons)
      totals.set(entry.reason, (totals.get(entry.reason) ?? 0) + entry.count);
  }
  return [...totals].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count);
}

function AgentName({ name, test }: { name: string; test: boolean }) {
  if (!test) return <Text as="span">{name}</Text>;
  return (
    <InlineStack gap="100" blockAlign="center" wrap={false}>
      <Text as="span">{name}</Text>
      <Badge tone="info">Test</Badge>
    </InlineStack>
  );
}

function StatusBadge({ status, step }: { status: string; step: string | null }) {
  if (status === "completed") return <Badge tone="success">Completed</Badge>;
  return <Badge tone="attention">{`In progress${step ? ` (${step.replace(/_/g, " ")})` : ""}`}</Badge>;
}

const EVENT_TONE: Record<string, "success" | "attention" | "critical" | undefined> = {
  delivered: "success",
  pending: "attention",
  skipped: undefined,
};

function EventList({ events }: { events: OrderEventView[] }) {
  if (events.length === 0) return <Text as="span">None</Text>;
  return (
    <BlockStack gap="100">
      {events.map((event) => (
        <InlineStack key={event.id} gap="100" blockAlign="center" wrap={false}>
          <Text as="span">{event.type}</Text>
          <Badge tone={event.lastError && event.status === "pending" ? "critical" : EVENT_TONE[event.status]}>
            {event.status === "pending" && event.attempts > 0 ? `retrying (${event.attempts})` : event.status}
          </Badge>
          {event.lastStatus ? (
            <Text as="span" variant="bodySm" tone="subdued">
              HTTP {event.lastStatus}
            </Text>
          ) : null}
          {event.lastError && event.status !== "delivered" ? (
            <Text as="span" variant="bodySm" tone="critical">
              {event.lastError}
            </Text>
          ) : null}
        </InlineStack>
      ))}
    </BlockStack>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Orders from agents" />;
}
