import type { LoaderFunctionArgs } from "@remix-run/node";
import { useLoaderData } from "@remix-run/react";
import {
  Badge,
  BlockStack,
  Box,
  Button,
  Card,
  Divider,
  InlineStack,
  Layout,
  Page,
  ProgressBar,
  Text,
} from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { onboardingSteps, type StepStatus } from "../admin/onboarding.server";
import { RouteError } from "../components/RouteError";
import { StackedList } from "../components/StackedList";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { shop: session.shop, steps: await onboardingSteps(session.shop) };
};

const BADGE: Record<StepStatus, { tone: "success" | "attention" | "info"; label: string }> = {
  done: { tone: "success", label: "Done" },
  todo: { tone: "attention", label: "To do" },
  unknown: { tone: "info", label: "Unavailable" },
};

export default function Home() {
  const { shop, steps } = useLoaderData<typeof loader>();
  const done = steps.filter((step) => step.status === "done").length;
  return (
    <Page title="Agentic Commerce">
      <Layout>
        <Layout.Section>
          <Card>
            <BlockStack gap="400">
              <BlockStack gap="200">
                <Text as="h2" variant="headingMd">
                  Sell {shop} through AI agents
                </Text>
                <Text as="p" tone="subdued">
                  Agents check out with your prices, shipping, taxes and your own Stripe account; orders
                  arrive in Shopify like any other.
                </Text>
              </BlockStack>
              <BlockStack gap="100">
                <Text as="p" variant="bodySm" tone="subdued">
                  {done} of {steps.length} steps done
                </Text>
                <ProgressBar progress={(done / steps.length) * 100} size="small" tone="primary" />
              </BlockStack>
              <Divider />
              <StackedList label="Setup checklist">
                {steps.map((step) => (
                  <li key={step.id} data-step={step.id} data-status={step.status}>
                    <Box paddingBlockEnd="300" borderBlockEndWidth="025" borderColor="border-secondary">
                      <InlineStack align="space-between" blockAlign="center" gap="400" wrap={false}>
                        <BlockStack gap="100">
                          {/* align is explicit: Polaris' stack settings inherit from the outer stack. */}
                          <InlineStack gap="200" blockAlign="center" align="start">
                            <Text as="h3" variant="headingSm">
                              {step.title}
                            </Text>
                            <Badge tone={BADGE[step.status].tone}>{BADGE[step.status].label}</Badge>
                          </InlineStack>
                          <Text as="p" tone="subdued">
                            {step.detail}
                          </Text>
                        </BlockStack>
                        <Button
                          url={step.action.url}
                          variant={step.status === "todo" ? "primary" : "secondary"}
                          accessibilityLabel={`${step.action.label}: ${step.title}`}
                        >
                          {step.action.label}
                        </Button>
                      </InlineStack>
                    </Box>
                  </li>
                ))}
              </StackedList>
            </BlockStack>
          </Card>
        </Layout.Section>
      </Layout>
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Agentic Commerce" />;
}
