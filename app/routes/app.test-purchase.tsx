import { useEffect, useState } from "react";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  FormLayout,
  InlineStack,
  Layout,
  Link,
  List,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { SAMPLE_ADDRESS } from "../admin/test-purchase";
import {
  runTestPurchase,
  testPurchaseReadiness,
  type TestPurchaseOutcome,
  type TraceStep,
} from "../admin/test-purchase.server";
import { failure, type ActionResult } from "../admin/forms";
import { fieldError, FormErrorBanner } from "../components/FormErrors";
import { formatDateTime } from "../components/format";
import { RouteError } from "../components/RouteError";
import { StackedList } from "../components/StackedList";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { shop: session.shop, ...(await testPurchaseReadiness(session.shop)) };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const result: ActionResult<{ outcome: TestPurchaseOutcome }> =
    intent === "buy"
      ? await runTestPurchase(session.shop, {
          itemId: String(form.get("itemId") ?? "") || undefined,
          quantity: String(form.get("quantity") ?? "1"),
          stripeTestKey: String(form.get("stripeTestKey") ?? ""),
        })
      : failure(intent, {}, "Unknown action.");
  return data(result, { status: result.ok ? 200 : 400 });
};

const QUANTITIES = ["1", "2", "3"].map((value) => ({ label: value, value }));

export default function TestPurchase() {
  const { shop, stripe, products, lastTestOrder } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const [itemId, setItemId] = useState(products[0]?.itemId ?? "");
  const [quantity, setQuantity] = useState("1");
  const [stripeTestKey, setStripeTestKey] = useState("");
  // The pasted key is used once; it leaves the page after each run.
  useEffect(() => {
    if (result) setStripeTestKey("");
  }, [result]);
  const busy = navigation.state !== "idle" && navigation.formData?.get("intent") === "buy";
  const outcome = result?.ok ? result.outcome : null;
  const refusal = !stripe.connected
    ? "Connect your Stripe account in Settings first: the test order is paid through it."
    : stripe.livemode
      ? "Your Stripe account is connected with a live key. Test purchases only run in Stripe test mode, so no real card is charged: connect a test-mode key to try one."
      : null;
  const store = shop.replace(/\.myshopify\.com$/, "");

  return (
    <Page
      title="Test purchase"
      subtitle="Buy from your store as an agent would, through the same public checkout API"
      backAction={{ content: "Home", url: "/app" }}
    >
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <Text as="p">
                The app calls its own Agentic Commerce endpoints over HTTP as a built-in test agent: it
                creates a checkout, adds a sample address ({SAMPLE_ADDRESS.city}, {SAMPLE_ADDRESS.state}),
                picks the first shipping option and completes with a Stripe test payment token. The order
                lands in Shopify like an agent&apos;s order. The test agent&apos;s key is made for the run and
                revoked after it; it is never shown.
              </Text>
              {refusal ? (
                <Banner tone="warning" title="Test purchases are off">
                  <Text as="p">{refusal}</Text>
                  <Box paddingBlockStart="200">
                    <Button url="/app/settings">Open settings</Button>
                  </Box>
                </Banner>
              ) : products.length === 0 ? (
                <Banner tone="warning" title="No products to buy yet">
                  <Text as="p">Your feed has no product agents can buy: sync the feed first.</Text>
                  <Box paddingBlockStart="200">
                    <Button url="/app/feed">Open feed</Button>
                  </Box>
                </Banner>
              ) : (
                <Form method="post">
                  <input type="hidden" name="intent" value="buy" />
                  <FormLayout>
                    <FormLayout.Group>
                      <Select
                        label="Product"
                        name="itemId"
                        options={products.map((product) => ({
                          label: `${product.title} (${product.itemId})`,
                          value: product.itemId,
                        }))}
                        value={itemId}
                        onChange={setItemId}
                        error={fieldError(result, "buy", "itemId")}
                      />
                      <Select
                        label="Quantity"
                        name="quantity"
                        options={QUANTITIES}
                        value={quantity}
                        onChange={setQuantity}
                        error={fieldError(result, "buy", "quantity")}
                      />
                    </FormLayout.Group>
                    <TextField
                      label="Stripe test secret key for this purchase (optional)"
                      name="stripeTestKey"
                      type="password"
                      autoComplete="off"
                      value={stripeTestKey}
                      onChange={setStripeTestKey}
                      helpText="The payment token is minted with your connected key. If it is a restricted key without “Shared payment granted tokens: Write”, paste your sk_test_ key here: it is used for this purchase only and never stored."
                      error={fieldError(result, "buy", "stripeTestKey")}
                    />
                    <InlineStack gap="200" blockAlign="center">
                      <Button submit variant="primary" loading={busy}>
                        Buy as an agent
                      </Button>
                      <Badge tone="info">Stripe test mode</Badge>
                    </InlineStack>
                  </FormLayout>
                </Form>
              )}
              <FormErrorBanner result={result} intent="buy" />
            </BlockStack>
          </Card>
        </Layout.Section>

        {outcome ? (
          <Layout.Section>
            <BlockStack gap="400">
              {outcome.order ? (
                <Banner tone="success" title="Test order placed">
                  <BlockStack gap="100">
                    <Text as="p">
                      Checkout session <span data-testid="test-session-id">{outcome.sessionId}</span>{" "}
                      completed.
                    </Text>
                    {outcome.order.legacyId ? (
                      <Text as="p">
                        <Link url={`shopify://admin/orders/${outcome.order.legacyId}`}>
                          {`Open order ${outcome.order.name ?? outcome.order.legacyId} in Shopify`}
                        </Link>{" "}
                        <Text as="span" tone="subdued" variant="bodySm">
                          (admin.shopify.com/store/{store}/orders/{outcome.order.legacyId})
                        </Text>
                      </Text>
                    ) : null}
                  </BlockStack>
                </Banner>
              ) : (
                <Banner tone="critical" title="The test purchase stopped">
                  <Text as="p">
                    <span data-testid="test-stopped">{outcome.stoppedBecause}</span>
                  </Text>
                </Banner>
              )}
              <StackedList label="Requests made">
                {outcome.steps.map((step, index) => (
                  <li key={index} data-step-status={step.status ?? "error"}>
                    <StepCard step={step} index={index} />
                  </li>
                ))}
              </StackedList>
            </BlockStack>
          </Layout.Section>
        ) : null}

        <Layout.Section variant="oneThird">
          <Card>
            <BlockStack gap="200">
              <Text as="h2" variant="headingMd">
                Last test order
              </Text>
              {lastTestOrder ? (
                <BlockStack gap="100">
                  <Text as="p">
                    {lastTestOrder.orderLegacyId ? (
                      <Link url={`shopify://admin/orders/${lastTestOrder.orderLegacyId}`}>
                        {lastTestOrder.orderName ?? lastTestOrder.orderLegacyId}
                      </Link>
                    ) : (
                      lastTestOrder.sessionId
                    )}
                  </Text>
                  <Text as="p" tone="subdued">
                    {formatDateTime(lastTestOrder.completedAt)}
                  </Text>
                </BlockStack>
              ) : (
                <Text as="p" tone="subdued">
                  None yet.
                </Text>
              )}
              <List>
                <List.Item>Test orders are marked “Test” on the Orders page and in the funnel.</List.Item>
                <List.Item>Cancel or archive them in Shopify like any test order.</List.Item>
              </List>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

function StepCard({ step, index }: { step: TraceStep; index: number }) {
  const ok = step.status !== null && step.status < 300;
  const path = step.url.replace(/^https?:\/\/[^/]+/, "");
  return (
    <Card>
      <BlockStack gap="200">
        <InlineStack align="space-between" blockAlign="center" gap="200">
          <Text as="h3" variant="headingSm">
            {index + 1}. {step.title}
          </Text>
          <InlineStack gap="200" blockAlign="center">
            <Badge tone={ok ? "success" : "critical"}>
              {step.status === null ? "No response" : `HTTP ${step.status}`}
            </Badge>
            <Text as="span" tone="subdued" variant="bodySm">
              {step.durationMs} ms
            </Text>
          </InlineStack>
        </InlineStack>
        <Text as="p" variant="bodySm">
          <code>
            {step.method} {path}
          </code>
        </Text>
        {step.error ? (
          <Text as="p" tone="critical">
            {step.error}
          </Text>
        ) : null}
        <details>
          <summary>Request and response</summary>
          <BlockStack gap="200">
            <JsonBlock label="Request headers" value={step.requestHeaders} />
            <JsonBlock label="Request body" value={step.requestBody} />
            <JsonBlock label="Response headers" value={step.responseHeaders} />
            <JsonBlock label="Response body" value={step.responseBody} />
          </BlockStack>
        </details>
      </BlockStack>
    </Card>
  );
}

function JsonBlock({ label, value }: { label: string; value: unknown }) {
  return (
    <BlockStack gap="100">
      <Text as="h4" variant="headingXs">
        {label}
      </Text>
      <pre
        tabIndex={0}
        aria-label={label}
        style={{
          margin: 0,
          padding: "8px",
          maxHeight: "320px",
          overflow: "auto",
          background: "#f7f7f7",
          borderRadius: "8px",
          fontSize: "12px",
          whiteSpace: "pre-wrap",
          wordBreak: "break-word",
        }}
      >
        {value === null || value === undefined ? "(none)" : JSON.stringify(value, null, 2)}
      </pre>
    </BlockStack>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Test purchase" />;
}
