import { useEffect, useState } from "react";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Box,
  Button,
  Card,
  Checkbox,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { ACP_VERSIONS } from "../acp/version-adapter";
import {
  agentDetail,
  rotateWebhookSecret,
  sendTestEvent,
  setSigningKey,
  updateAgentSettings,
  type TestDelivery,
} from "../admin/agents.server";
import { failure, type ActionResult } from "../admin/forms";
import { ConfirmModal } from "../components/ConfirmModal";
import { fieldError, FormErrorBanner } from "../components/FormErrors";
import { RouteError } from "../components/RouteError";
import { SecretModal } from "../components/SecretModal";

export const loader = async ({ request, params }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const agent = await agentDetail(session.shop, params.id ?? "");
  if (!agent) throw new Response("Agent not found", { status: 404 });
  return { agent };
};

type AgentActionResult = ActionResult<{ secret?: string | null; delivery?: TestDelivery }>;

export const action = async ({ request, params }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const id = params.id ?? "";
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  let result: AgentActionResult;
  if (intent === "settings") result = await updateAgentSettings(session.shop, id, form);
  else if (intent === "webhook-secret") result = await rotateWebhookSecret(session.shop, id);
  else if (intent === "test-event") result = await sendTestEvent(session.shop, id);
  else if (intent === "signing-key") {
    result = await setSigningKey(session.shop, id, {
      algorithm: String(form.get("algorithm") ?? ""),
      publicKey: String(form.get("publicKey") ?? ""),
    });
  } else result = failure(intent, {}, "Unknown action.");
  return data(result, { status: result.ok ? 200 : 400 });
};

const VERSION_NOTES: Record<string, string> = {
  "2025-09-29": "first release",
  "2026-04-17": "latest",
};

export default function AgentSettings() {
  const { agent } = useLoaderData<typeof loader>();
  // Keyed so the form state starts over when moving to another agent.
  return <AgentSettingsPage key={agent.id} agent={agent} />;
}

function AgentSettingsPage({ agent }: { agent: ReturnType<typeof useLoaderData<typeof loader>>["agent"] }) {
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const busy = (intent: string) =>
    navigation.state !== "idle" && navigation.formData?.get("intent") === intent;

  const [name, setName] = useState(agent.name);
  const [versions, setVersions] = useState<string[]>(agent.acceptedVersions);
  const [completeStatus, setCompleteStatus] = useState(String(agent.completeStatus));
  const [conflictStatus, setConflictStatus] = useState(String(agent.idempotencyConflictStatus));
  const [eventNaming, setEventNaming] = useState<string>(agent.eventNaming);
  const [webhookUrl, setWebhookUrl] = useState(agent.webhookUrl ?? "");
  const [algorithm, setAlgorithm] = useState<string>(agent.signingAlgorithm ?? "none");
  const [publicKey, setPublicKey] = useState("");
  const [confirm, setConfirm] = useState<null | "webhook-secret" | "signing-key">(null);
  const [secretOpen, setSecretOpen] = useState(false);

  const secret = result?.ok && result.secret ? result.secret : null;
  useEffect(() => {
    if (secret) setSecretOpen(true);
  }, [secret]);
  const delivery = result?.ok && result.intent === "test-event" ? result.delivery : undefined;

  const submitSigning = () => submit({ intent: "signing-key", algorithm, publicKey }, { method: "post" });

  return (
    <Page
      title={agent.name}
      subtitle={`Agent ${agent.id}`}
      backAction={{ content: "Agents", url: "/app/agents" }}
    >
      <Layout>
        <Layout.AnnotatedSection
          id="protocol"
          title="Protocol"
          description="How this agent speaks ACP. The spec and OpenAI's published docs differ on a few answers; match what the agent expects."
        >
          <Card>
            <Form method="post">
              <input type="hidden" name="intent" value="settings" />
              <FormLayout>
                {result?.ok && result.intent === "settings" ? (
                  <Banner tone="success" title="Settings saved" />
                ) : null}
                <FormErrorBanner result={result} intent="settings" />
                <TextField
                  label="Name"
                  name="name"
                  value={name}
                  onChange={setName}
                  autoComplete="off"
                  error={fieldError(result, "settings", "name")}
                />
                <fieldset style={{ border: 0, margin: 0, padding: 0 }}>
                  <legend>
                    <Text as="span" variant="bodyMd">
                      Accepted API versions
                    </Text>
                  </legend>
                  <Text as="p" tone="subdued" variant="bodySm">
                    None checked: every version the app supports.
                  </Text>
                  <BlockStack gap="100">
                    {ACP_VERSIONS.map((version) => (
                      <Checkbox
                        key={version}
                        label={VERSION_NOTES[version] ? `${version} (${VERSION_NOTES[version]})` : version}
                        name="acceptedVersions"
                        value={version}
                        checked={versions.includes(version)}
                        onChange={(checked) =>
                          setVersions((current) =>
                            checked ? [...current, version] : current.filter((item) => item !== version),
                          )
                        }
                      />
                    ))}
                  </BlockStack>
                  {fieldError(result, "settings", "acceptedVersions.0") ? (
                    <Text as="p" tone="critical">
                      {fieldError(result, "settings", "acceptedVersions.0")}
                    </Text>
                  ) : null}
                </fieldset>
                <FormLayout.Group>
                  <Select
                    label="Complete answers with"
                    name="completeStatus"
                    options={[
                      { label: "200 OK (ACP spec)", value: "200" },
                      { label: "201 Created (OpenAI docs)", value: "201" },
                    ]}
                    value={completeStatus}
                    onChange={setCompleteStatus}
                    error={fieldError(result, "settings", "completeStatus")}
                  />
                  <Select
                    label="Idempotency key reused with another body"
                    name="idempotencyConflictStatus"
                    options={[
                      { label: "422 (ACP spec)", value: "422" },
                      { label: "409 (OpenAI docs)", value: "409" },
                    ]}
                    value={conflictStatus}
                    onChange={setConflictStatus}
                    error={fieldError(result, "settings", "idempotencyConflictStatus")}
                  />
                </FormLayout.Group>
                <Select
                  label="Order event names"
                  name="eventNaming"
                  options={[
                    { label: "order_create / order_update (ACP spec)", value: "spec" },
                    { label: "order_created / order_updated (OpenAI docs)", value: "openai" },
                  ]}
                  value={eventNaming}
                  onChange={setEventNaming}
                  error={fieldError(result, "settings", "eventNaming")}
                />
                <TextField
                  label="Webhook URL"
                  name="webhookUrl"
                  type="url"
                  value={webhookUrl}
                  onChange={setWebhookUrl}
                  autoComplete="off"
                  placeholder="https://agent.example/acp/webhooks"
                  helpText="Order events (created, shipped, refunded…) are posted here, signed."
                  error={fieldError(result, "settings", "webhookUrl")}
                />
                <Button submit variant="primary" loading={busy("settings")}>
                  Save
                </Button>
              </FormLayout>
            </Form>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection
          id="webhooks"
          title="Webhook signing"
          description="Each event carries Merchant-Signature, an HMAC of the body with this secret, so the agent can tell it came from you."
        >
          <Card>
            <BlockStack gap="300">
              <InlineStack gap="200" blockAlign="center">
                <Text as="h2" variant="headingSm">
                  Signing secret
                </Text>
                {agent.webhookSecretSet ? <Badge tone="success">Set</Badge> : <Badge>Not set</Badge>}
              </InlineStack>
              <FormErrorBanner result={result} intent="webhook-secret" />
              <InlineStack gap="200">
                <Button
                  loading={busy("webhook-secret")}
                  onClick={() =>
                    agent.webhookSecretSet
                      ? setConfirm("webhook-secret")
                      : submit({ intent: "webhook-secret" }, { method: "post" })
                  }
                >
                  {agent.webhookSecretSet ? "Rotate secret" : "Generate secret"}
                </Button>
                <Button
                  loading={busy("test-event")}
                  disabled={!agent.webhookUrl || !agent.webhookSecretSet}
                  onClick={() => submit({ intent: "test-event" }, { method: "post" })}
                >
                  Send test event
                </Button>
              </InlineStack>
              {!agent.webhookUrl || !agent.webhookSecretSet ? (
                <Text as="p" tone="subdued">
                  Save a webhook URL and generate a secret to send a test event.
                </Text>
              ) : null}
              <FormErrorBanner result={result} intent="test-event" />
              {delivery ? <DeliveryResult delivery={delivery} /> : null}
            </BlockStack>
          </Card>
        </Layout.AnnotatedSection>

        <Layout.AnnotatedSection
          id="request-signing"
          title="Request signing (optional)"
          description="When set, every checkout request from this agent must carry a valid Signature and Timestamp."
        >
          <Card>
            <FormLayout>
              <FormErrorBanner result={result} intent="signing-key" />
              {result?.ok && result.intent === "signing-key" && !result.secret ? (
                <Banner tone="success" title="Request signing updated" />
              ) : null}
              <Select
                label="Algorithm"
                name="algorithm"
                options={[
                  { label: "None (requests are not signed)", value: "none" },
                  { label: "HMAC-SHA256 with a shared secret", value: "hmac-sha256" },
                  { label: "Ed25519 with the agent's public key", value: "ed25519" },
                ]}
                value={algorithm}
                onChange={setAlgorithm}
                helpText={
                  agent.signingAlgorithm
                    ? `Currently: ${agent.signingAlgorithm}.`
                    : "Currently: requests are not signed."
                }
                error={fieldError(result, "signing-key", "algorithm")}
              />
              {algorithm === "ed25519" ? (
                <TextField
                  label="Agent's public key (PEM)"
                  name="publicKey"
                  value={publicKey}
                  onChange={setPublicKey}
                  multiline={4}
                  autoComplete="off"
                  error={fieldError(result, "signing-key", "publicKey")}
                />
              ) : null}
              <Button
                loading={busy("signing-key")}
                onClick={() => (agent.signingAlgorithm ? setConfirm("signing-key") : submitSigning())}
              >
                {algorithm === "hmac-sha256" ? "Generate secret and save" : "Save request signing"}
              </Button>
            </FormLayout>
          </Card>
        </Layout.AnnotatedSection>
      </Layout>

      {secret ? (
        <SecretModal
          open={secretOpen}
          title={result?.intent === "signing-key" ? "Request signing secret" : "Webhook signing secret"}
          label={
            result?.intent === "signing-key"
              ? "The agent signs each request body with this secret."
              : "The agent verifies Merchant-Signature with this secret."
          }
          secret={secret}
          onClose={() => setSecretOpen(false)}
        />
      ) : null}
      <ConfirmModal
        open={confirm === "webhook-secret"}
        title="Rotate the webhook secret?"
        message="Events are signed with the new secret at once; the agent must switch to it, or it will reject them."
        confirmLabel="Rotate secret"
        onClose={() => setConfirm(null)}
        onConfirm={() => {
          submit({ intent: "webhook-secret" }, { method: "post" });
          setConfirm(null);
        }}
      />
      <ConfirmModal
        open={confirm === "signing-key"}
        title="Replace request signing?"
        message="Requests signed with the current key are refused once you save; the agent must switch at the same time."
        confirmLabel="Replace"
        onClose={() => setConfirm(null)}
        onConfirm={() => {
          submitSigning();
          setConfirm(null);
        }}
      />
    </Page>
  );
}

function DeliveryResult({ delivery }: { delivery: TestDelivery }) {
  const ok = delivery.status !== null && delivery.status >= 200 && delivery.status < 300;
  return (
    <Banner tone={ok ? "success" : "critical"} title={ok ? "Test event delivered" : "Test event failed"}>
      <BlockStack gap="100">
        <Text as="p">
          <span data-testid="test-event-status">
            {delivery.eventType} (ACP {delivery.version}) → {delivery.url}:{" "}
            <strong>{delivery.status === null ? "no answer" : `HTTP ${delivery.status}`}</strong> in{" "}
            {delivery.durationMs} ms
          </span>
        </Text>
        {delivery.error ? <Text as="p">{delivery.error}</Text> : null}
        {delivery.responseSnippet ? (
          <Box padding="200" background="bg-surface-secondary" borderRadius="100">
            <Text as="p" variant="bodySm" breakWord>
              <code>{delivery.responseSnippet}</code>
            </Text>
          </Box>
        ) : null}
      </BlockStack>
    </Banner>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Agent" />;
}
