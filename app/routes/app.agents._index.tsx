import { useEffect, useState } from "react";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  Card,
  DataTable,
  EmptyState,
  FormLayout,
  InlineStack,
  Layout,
  Link,
  Page,
  Text,
  TextField,
} from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import {
  createAgentWithKey,
  issueKey,
  listAgents,
  revokeKey,
  type AgentKeyView,
  type RevealedKey,
} from "../admin/agents.server";
import { failure, type ActionResult } from "../admin/forms";
import { ConfirmModal } from "../components/ConfirmModal";
import { fieldError, FormErrorBanner } from "../components/FormErrors";
import { formatDateTime } from "../components/format";
import { RouteError } from "../components/RouteError";
import { SecretModal } from "../components/SecretModal";
import { EMPTY_IMAGE } from "../components/empty-image";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  return { agents: await listAgents(session.shop) };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const text = (name: string) => String(form.get(name) ?? "");
  let result: ActionResult<{ revealed?: RevealedKey }>;
  if (intent === "create") result = await createAgentWithKey(session.shop, { name: text("name") });
  else if (intent === "issue")
    result = await issueKey(session.shop, { agentId: text("agentId"), label: text("label") });
  else if (intent === "revoke") result = await revokeKey(session.shop, text("keyId"));
  else result = failure(intent, {}, "Unknown action.");
  return data(result, { status: result.ok ? 200 : 400 });
};

export default function Agents() {
  const { agents } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const [name, setName] = useState("");
  const [revealedOpen, setRevealedOpen] = useState(false);
  const [revoking, setRevoking] = useState<AgentKeyView | null>(null);
  const revealed = result?.ok && "revealed" in result ? result.revealed : undefined;
  const busy = (intent: string) =>
    navigation.state !== "idle" && navigation.formData?.get("intent") === intent;

  useEffect(() => {
    if (revealed) {
      setRevealedOpen(true);
      setName("");
    }
  }, [revealed]);

  return (
    <Page title="Agents" backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        <Layout.Section>
          <BlockStack gap="400">
            {result?.ok && result.intent === "revoke" ? (
              <Banner tone="success" title="Key revoked">
                <Text as="p">Requests with it are refused from now on.</Text>
              </Banner>
            ) : null}
            <FormErrorBanner result={result} />
            <Card>
              <Form method="post">
                <input type="hidden" name="intent" value="create" />
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    Add an agent
                  </Text>
                  <TextField
                    label="Agent name"
                    name="name"
                    value={name}
                    onChange={setName}
                    autoComplete="off"
                    placeholder="e.g. ChatGPT"
                    helpText="You get an API key for it, shown once."
                    error={fieldError(result, "create", "name")}
                  />
                  <Button submit variant="primary" loading={busy("create")}>
                    Create agent and key
                  </Button>
                </FormLayout>
              </Form>
            </Card>
            {agents.length === 0 ? (
              <Card>
                <EmptyState heading="No agents yet" image={EMPTY_IMAGE}>
                  <p>Add the agent platforms you sell through; each gets its own API key and settings.</p>
                </EmptyState>
              </Card>
            ) : (
              agents.map((agent) => (
                <Card key={agent.id}>
                  <BlockStack gap="300">
                    <InlineStack align="space-between" blockAlign="center">
                      <Text as="h2" variant="headingMd">
                        <Link url={`/app/agents/${agent.id}`} removeUnderline>
                          {agent.name}
                        </Link>
                      </Text>
                      <Button
                        url={`/app/agents/${agent.id}`}
                        accessibilityLabel={`Settings for ${agent.name}`}
                      >
                        Settings
                      </Button>
                    </InlineStack>
                    <DataTable
                      columnContentTypes={["text", "text", "text", "text", "text", "text"]}
                      headings={["Key", "Label", "Created", "Last used", "Status", ""]}
                      rows={agent.keys.map((key) => [
                        <code key="prefix">{key.prefix}…</code>,
                        key.label,
                        formatDateTime(key.createdAt),
                        key.lastUsedAt ? formatDateTime(key.lastUsedAt) : "Never",
                        key.revokedAt ? (
                          <Badge key="status">Revoked</Badge>
                        ) : (
                          <Badge key="status" tone="success">
                            Active
                          </Badge>
                        ),
                        key.revokedAt ? (
                          ""
                        ) : (
                          <Button
                            key="revoke"
                            tone="critical"
                            variant="plain"
                            accessibilityLabel={`Revoke key ${key.prefix}`}
                            onClick={() => setRevoking(key)}
                          >
                            Revoke
                          </Button>
                        ),
                      ])}
                    />
                    <Form method="post">
                      <input type="hidden" name="intent" value="issue" />
                      <input type="hidden" name="agentId" value={agent.id} />
                      <input type="hidden" name="label" value="Key" />
                      <Button
                        submit
                        variant="plain"
                        loading={busy("issue") && navigation.formData?.get("agentId") === agent.id}
                      >
                        Create another key
                      </Button>
                    </Form>
                  </BlockStack>
                </Card>
              ))
            )}
          </BlockStack>
        </Layout.Section>
      </Layout>
      {revealed ? (
        <SecretModal
          open={revealedOpen}
          title={`API key for ${revealed.agentName}`}
          label="Give this key to the agent; it sends it as Authorization: Bearer <key>."
          secret={revealed.key}
          onClose={() => setRevealedOpen(false)}
        />
      ) : null}
      <ConfirmModal
        open={revoking !== null}
        title="Revoke this key?"
        message={`Requests with ${revoking?.prefix ?? ""}… are refused at once. The agent needs a new key to keep selling.`}
        confirmLabel="Revoke key"
        loading={busy("revoke")}
        onClose={() => setRevoking(null)}
        onConfirm={() => {
          if (revoking) submit({ intent: "revoke", keyId: revoking.id }, { method: "post" });
          setRevoking(null);
        }}
      />
    </Page>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Agents" />;
}
