import { useEffect, useState } from "react";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { connectStripe, disconnectStripe, stripeConnection } from "../admin/stripe-settings.server";
import { failure, type ActionResult } from "../admin/forms";
import { ConfirmModal } from "../components/ConfirmModal";
import { fieldError, FormErrorBanner } from "../components/FormErrors";
import { formatDateTime } from "../components/format";
import { RouteError } from "../components/RouteError";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { connection: await stripeConnection(session.shop) };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  let result: ActionResult;
  if (intent === "connect") result = await connectStripe(session.shop, String(form.get("key") ?? ""));
  else if (intent === "disconnect") result = await disconnectStripe(session.shop);
  else result = failure(intent, {}, "Unknown action.");
  return data(result, { status: result.ok ? 200 : 400 });
};

export default function Settings() {
  const { connection } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const [key, setKey] = useState("");
  const [confirmDisconnect, setConfirmDisconnect] = useState(false);
  // The key leaves the page once it is stored.
  useEffect(() => {
    if (result?.ok) setKey("");
  }, [result]);
  const busy = (intent: string) =>
    navigation.state !== "idle" && navigation.formData?.get("intent") === intent;

  return (
    <Page title="Settings" backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        <Layout.AnnotatedSection
          id="stripe"
          title="Stripe"
          description="Buyers pay on your own Stripe account, so you stay merchant of record. Use a restricted key that may write PaymentIntents."
        >
          <Card>
            <BlockStack gap="400">
              {connection ? (
                <BlockStack gap="200" id="stripe-connection">
                  <InlineStack gap="200" blockAlign="center">
                    <Text as="h2" variant="headingMd">
                      Connected
                    </Text>
                    <Badge tone={connection.livemode ? "success" : "info"}>
                      {connection.livemode ? "Live mode" : "Test mode"}
                    </Badge>
                  </InlineStack>
                  <Text as="p">
                    Account <strong data-testid="stripe-account">{connection.accountId}</strong>, key ending
                    in <strong data-testid="stripe-last4">{connection.last4}</strong>
                  </Text>
                  <Text as="p" tone="subdued">
                    Checked {formatDateTime(connection.checkedAt)}
                  </Text>
                </BlockStack>
              ) : (
                <Banner tone="warning" title="Not connected">
                  <Text as="p">Agents cannot take payment until you connect a Stripe account.</Text>
                </Banner>
              )}
              {result?.ok && result.intent === "connect" ? (
                <Banner tone="success" title="Stripe connected">
                  <Text as="p">The key works and is stored encrypted.</Text>
                </Banner>
              ) : null}
              <FormErrorBanner result={result} intent="connect" />
              <Form method="post">
                <input type="hidden" name="intent" value="connect" />
                <FormLayout>
                  <TextField
                    label={connection ? "Replace with another key" : "Stripe restricted key"}
                    name="key"
                    type="password"
                    autoComplete="off"
                    value={key}
                    onChange={setKey}
                    helpText="Starts with rk_ (restricted) or sk_ (secret). We check it with Stripe and store it encrypted; it is never shown again."
                    error={fieldError(result, "connect", "key")}
                  />
                  <InlineStack gap="200">
                    <Button submit variant="primary" loading={busy("connect")}>
                      {connection ? "Check and replace" : "Check and connect"}
                    </Button>
                    {connection ? (
                      <Button tone="critical" variant="plain" onClick={() => setConfirmDisconnect(true)}>
                        Disconnect
                      </Button>
                    ) : null}
                  </InlineStack>
                </FormLayout>
              </Form>
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>
      </Layout>
      <ConfirmModal
        open={confirmDisconnect}
        title="Disconnect Stripe?"
        message="Agents will not be able to complete purchases until you connect a Stripe account again. Orders already placed are not affected."
        confirmLabel="Disconnect"
        loading={busy("disconnect")}
        onClose={() => setConfirmDisconnect(false)}
        onConfirm={() => {
          submit({ intent: "disconnect" }, { method: "post" });
          setConfirmDisconnect(false);
        }}
      />
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Settings" />;
}
