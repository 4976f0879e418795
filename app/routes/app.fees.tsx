import { useEffect, useMemo, useState } from "react";
import { data, type ActionFunctionArgs, type LoaderFunctionArgs } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation, useSubmit } from "@remix-run/react";
import {
  Badge,
  Banner,
  BlockStack,
  Button,
  ButtonGroup,
  Card,
  Checkbox,
  DataTable,
  FormLayout,
  InlineStack,
  Layout,
  Page,
  Select,
  Text,
  TextField,
} from "@shopify/polaris";
import { authenticate } from "../shopify.server";
import { computeFees } from "../checkout/fees";
import { toMinorUnits } from "../lib/money";
import {
  agentChoices,
  deleteFeeRule,
  listFeeRules,
  saveFeeRule,
  setFeeRuleActive,
  setPlatformFee,
  shopCurrency,
} from "../admin/fees.server";
import {
  describeRule,
  draftFromRule,
  EMPTY_DRAFT,
  parseFeeRule,
  type FeeRuleDraft,
  type FeeRuleView,
} from "../admin/fee-rules";
import { failure, type ActionResult } from "../admin/forms";
import { ConfirmModal } from "../components/ConfirmModal";
import { fieldError, FormErrorBanner } from "../components/FormErrors";
import { formatMoney, formatPercent } from "../components/format";
import { RouteError } from "../components/RouteError";

export const loader = async ({ request }: LoaderFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const [rules, agents, currency] = await Promise.all([
    listFeeRules(session.shop),
    agentChoices(session.shop),
    shopCurrency(session.shop),
  ]);
  return { rules, agents, currency: currency ?? "usd", currencyKnown: currency !== null };
};

export const action = async ({ request }: ActionFunctionArgs) => {
  const { session } = await authenticate.admin(request);
  const form = await request.formData();
  const intent = String(form.get("intent") ?? "");
  const text = (name: string) => String(form.get(name) ?? "");
  let result: ActionResult;
  if (intent === "save") {
    result = await saveFeeRule(session.shop, form, (await shopCurrency(session.shop)) ?? "usd");
  } else if (intent === "delete") result = await deleteFeeRule(session.shop, text("id"));
  else if (intent === "toggle")
    result = await setFeeRuleActive(session.shop, text("id"), text("active") === "true");
  else if (intent === "platform-fee")
    result = await setPlatformFee(session.shop, text("agentId"), text("percent"));
  else result = failure(intent, {}, "Unknown action.");
  return data(result, { status: result.ok ? 200 : 400 });
};

export default function Fees() {
  const { rules, agents, currency, currencyKnown } = useLoaderData<typeof loader>();
  const result = useActionData<typeof action>();
  const navigation = useNavigation();
  const submit = useSubmit();
  const busy = (intent: string) =>
    navigation.state !== "idle" && navigation.formData?.get("intent") === intent;

  const [editingId, setEditingId] = useState<string | null>(null);
  const [draft, setDraft] = useState<FeeRuleDraft>(EMPTY_DRAFT);
  const [deleting, setDeleting] = useState<FeeRuleView | null>(null);
  const set =
    <K extends keyof FeeRuleDraft>(field: K) =>
    (value: FeeRuleDraft[K]) =>
      setDraft((current) => ({ ...current, [field]: value }));

  useEffect(() => {
    if (result?.ok && result.intent === "save") {
      setDraft(EMPTY_DRAFT);
      setEditingId(null);
    }
  }, [result]);

  const agentName = (id: string) => agents.find((agent) => agent.id === id)?.name ?? id;
  const shopCurrencyCode = currency.toUpperCase();

  return (
    <Page title="Fees" backAction={{ content: "Home", url: "/app" }}>
      <Layout>
        {!currencyKnown ? (
          <Layout.Section>
            <Banner tone="warning" title="Shopify is not answering">
              <Text as="p">Your store currency could not be read; amounts are shown in USD for now.</Text>
            </Banner>
          </Layout.Section>
        ) : null}
        <Layout.Section>
          <BlockStack gap="400">
            <Card>
              <BlockStack gap="300">
                <Text as="h2" variant="headingMd">
                  Fee lines
                </Text>
                <Text as="p" tone="subdued">
                  Checkout adds these to the buyer&apos;s total as fee lines, after discounts, before shipping
                  and tax.
                </Text>
                {result?.ok && result.intent === "delete" ? (
                  <Banner tone="success" title="Fee deleted" />
                ) : null}
                <FormErrorBanner result={result} intent="delete" />
                <FormErrorBanner result={result} intent="toggle" />
                {rules.length === 0 ? (
                  <Text as="p">No fees: buyers pay item prices, shipping and tax only.</Text>
                ) : (
                  <DataTable
                    columnContentTypes={["text", "text", "text", "text", "text"]}
                    headings={["Label", "Fee", "Applies to", "Status", ""]}
                    rows={rules.map((rule) => [
                      rule.label,
                      describeRule(rule),
                      [
                        rule.agentIds ? rule.agentIds.map(agentName).join(", ") : "All agents",
                        rule.countries ? rule.countries.join(", ") : "all countries",
                      ].join(" · "),
                      rule.active ? (
                        <Badge key="status" tone="success">
                          Active
                        </Badge>
                      ) : (
                        <Badge key="status">Paused</Badge>
                      ),
                      <ButtonGroup key="actions">
                        <Button
                          variant="plain"
                          accessibilityLabel={`Edit ${rule.label}`}
                          onClick={() => {
                            setEditingId(rule.id);
                            setDraft(draftFromRule(rule));
                          }}
                        >
                          Edit
                        </Button>
                        <Button
                          variant="plain"
                          accessibilityLabel={`${rule.active ? "Pause" : "Activate"} ${rule.label}`}
                          onClick={() =>
                            submit(
                              { intent: "toggle", id: rule.id, active: String(!rule.active) },
                              { method: "post" },
                            )
                          }
                        >
                          {rule.active ? "Pause" : "Activate"}
                        </Button>
                        <Button
                          variant="plain"
                          tone="critical"
                          accessibilityLabel={`Delete ${rule.label}`}
                          onClick={() => setDeleting(rule)}
                        >
                          Delete
                        </Button>
                      </ButtonGroup>,
                    ])}
                  />
                )}
              </BlockStack>
            </Card>

            <Card>
              <Form method="post">
                <input type="hidden" name="intent" value="save" />
                {editingId ? <input type="hidden" name="id" value={editingId} /> : null}
                <FormLayout>
                  <Text as="h2" variant="headingMd">
                    {editingId
                      ? `Edit “${rules.find((rule) => rule.id === editingId)?.label ?? ""}”`
                      : "Add a fee"}
                  </Text>
                  {result?.ok && result.intent === "save" ? (
                    <Banner tone="success" title="Fee saved" />
                  ) : null}
                  <FormErrorBanner result={result} intent="save" />
                  <FormLayout.Group>
                    <TextField
                      label="Label"
                      name="label"
                      value={draft.label}
                      onChange={set("label")}
                      autoComplete="off"
                      helpText="Buyers see it in the agent, e.g. “Service fee”."
                      error={fieldError(result, "save", "label")}
                    />
                    <Select
                      label="Type"
                      name="kind"
                      options={[
                        { label: "Fixed amount", value: "fixed" },
                        { label: "Percentage of items", value: "percentage" },
                      ]}
                      value={draft.kind}
                      onChange={set("kind")}
                      error={fieldError(result, "save", "kind")}
                    />
                  </FormLayout.Group>
                  <FormLayout.Group>
                    <TextField
                      label={draft.kind === "percentage" ? "Percentage" : "Amount"}
                      name="amount"
                      value={draft.amount}
                      onChange={set("amount")}
                      autoComplete="off"
                      inputMode="decimal"
                      suffix={
                        draft.kind === "percentage" ? "%" : (draft.currency || shopCurrencyCode).toUpperCase()
                      }
                      error={fieldError(result, "save", "amount")}
                    />
                    <TextField
                      label="Minimum"
                      name="minAmount"
                      value={draft.minAmount}
                      onChange={set("minAmount")}
                      autoComplete="off"
                      inputMode="decimal"
                      helpText="Optional"
                      error={fieldError(result, "save", "minAmount")}
                    />
                    <TextField
                      label="Maximum"
                      name="maxAmount"
                      value={draft.maxAmount}
                      onChange={set("maxAmount")}
                      autoComplete="off"
                      inputMode="decimal"
                      helpText="Optional"
                      error={fieldError(result, "save", "maxAmount")}
                    />
                    <TextField
                      label="Currency"
                      name="currency"
                      value={draft.currency}
                      onChange={set("currency")}
                      autoComplete="off"
                      placeholder={shopCurrencyCode}
                      helpText="Fixed fees apply only to checkouts in this currency."
                      error={fieldError(result, "save", "currency")}
                    />
                  </FormLayout.Group>
                  <TextField
                    label="Description"
                    name="description"
                    value={draft.description}
                    onChange={set("description")}
                    autoComplete="off"
                    helpText="Optional; some agents show it next to the fee."
                    error={fieldError(result, "save", "description")}
                  />
                  <TextField
                    label="Only for these countries"
                    name="countries"
                    value={draft.countries}
                    onChange={set("countries")}
                    autoComplete="off"
                    placeholder="All countries"
                    helpText="2-letter codes of the shipping country, separated by commas."
                    error={fieldError(result, "save", "countries")}
                  />
                  {agents.length > 0 ? (
                    <fieldset style={{ border: 0, margin: 0, padding: 0 }}>
                      <legend>
                        <Text as="span">Only for these agents (none checked: all agents)</Text>
                      </legend>
                      <InlineStack gap="400">
                        {agents.map((agent) => (
                          <Checkbox
                            key={agent.id}
                            label={agent.name}
                            name="agentIds"
                            value={agent.id}
                            checked={draft.agentIds.includes(agent.id)}
                            onChange={(checked) =>
                              set("agentIds")(
                                checked
                                  ? [...draft.agentIds, agent.id]
                                  : draft.agentIds.filter((id) => id !== agent.id),
                              )
                            }
                          />
                        ))}
                      </InlineStack>
                    </fieldset>
                  ) : null}
                  <Checkbox
                    label="Active"
                    name="active"
                    value="true"
                    checked={draft.active}
                    onChange={set("active")}
                  />
                  <InlineStack gap="200">
                    <Button submit variant="primary" loading={busy("save")}>
                      {editingId ? "Save fee" : "Add fee"}
                    </Button>
                    {editingId ? (
                      <Button
                        onClick={() => {
                          setEditingId(null);
                          setDraft(EMPTY_DRAFT);
                        }}
                      >
                        Cancel
                      </Button>
                    ) : null}
                  </InlineStack>
                </FormLayout>
              </Form>
            </Card>
          </BlockStack>
        </Layout.Section>

        <Layout.Section variant="oneThird">
          <BlockStack gap="400">
            <FeeExample
              rules={rules}
              draft={draft}
              editingId={editingId}
              currency={currency}
              agents={agents}
            />
            <PlatformFees agents={agents} result={result} busy={busy("platform-fee")} />
          </BlockStack>
        </Layout.Section>
      </Layout>
      <ConfirmModal
        open={deleting !== null}
        title={`Delete “${deleting?.label ?? ""}”?`}
        message="New checkouts stop adding this fee. Checkouts already created keep their totals."
        confirmLabel="Delete fee"
        onClose={() => setDeleting(null)}
        onConfirm={() => {
          if (deleting) submit({ intent: "delete", id: deleting.id }, { method: "post" });
          setDeleting(null);
        }}
      />
    </Page>
  );
}

/**
 * The totals a sample cart would get, computed in the browser with the same computeFees checkout
 * uses, over the saved active rules plus the fee being edited (when it is valid so far).
 */
function FeeExample({
  rules,
  draft,
  editingId,
  currency,
  agents,
}: {
  rules: FeeRuleView[];
  draft: FeeRuleDraft;
  editingId: string | null;
  currency: string;
  agents: { id: string; name: string }[];
}) {
  const [subtotalText, setSubtotalText] = useState("100.00");
  const [country, setCountry] = useState("US");
  const [agentId, setAgentId] = useState(agents[0]?.id ?? "");

  const example = useMemo(() => {
    let subtotal: number;
    try {
      subtotal = toMinorUnits(subtotalText || "0", currency);
    } catch {
      return null;
    }
    const parsedDraft = parseFeeRule(
      draft,
      currency,
      agents.map((agent) => agent.id),
    );
    const applied = rules.filter((rule) => rule.active && rule.id !== editingId);
    const withDraft =
      parsedDraft.success && parsedDraft.data.active ? [...applied, parsedDraft.data] : applied;
    const fees = computeFees(withDraft, {
      subtotal,
      currency,
      agentId,
      country: country.trim().toUpperCase() || null,
    });
    return {
      subtotal,
      fees,
      total: subtotal + fees.reduce((sum, fee) => sum + fee.amount, 0),
      includesDraft: parsedDraft.success,
    };
  }, [subtotalText, country, agentId, rules, draft, editingId, currency, agents]);

  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Example checkout
        </Text>
        <FormLayout>
          <TextField
            label="Items subtotal"
            value={subtotalText}
            onChange={setSubtotalText}
            autoComplete="off"
            inputMode="decimal"
            suffix={currency.toUpperCase()}
            error={example ? undefined : "Enter an amount like 100.00."}
          />
          <FormLayout.Group condensed>
            <TextField
              label="Ship to"
              value={country}
              onChange={setCountry}
              autoComplete="off"
              maxLength={2}
            />
            {agents.length ? (
              <Select
                label="Agent"
                options={agents.map((agent) => ({ label: agent.name, value: agent.id }))}
                value={agentId}
                onChange={setAgentId}
              />
            ) : (
              <></>
            )}
          </FormLayout.Group>
        </FormLayout>
        {example ? (
          <table
            aria-label="Example totals"
            data-testid="fee-example"
            style={{ width: "100%", borderCollapse: "collapse" }}
          >
            <tbody>
              <ExampleRow label="Items" amount={formatMoney(example.subtotal, currency)} />
              {example.fees.map((fee, index) => (
                <ExampleRow key={index} label={fee.label} amount={formatMoney(fee.amount, currency)} />
              ))}
              <ExampleRow
                label="Total before shipping and tax"
                amount={formatMoney(example.total, currency)}
                strong
              />
            </tbody>
          </table>
        ) : null}
        <Text as="p" variant="bodySm" tone="subdued">
          {example?.includesDraft ? "Includes the fee in the form. " : ""}Shipping and tax come from Shopify
          at checkout.
        </Text>
      </BlockStack>
    </Card>
  );
}

function ExampleRow({ label, amount, strong }: { label: string; amount: string; strong?: boolean }) {
  const style = { padding: "4px 0", borderTop: strong ? "1px solid #e3e3e3" : undefined };
  return (
    <tr>
      <th scope="row" style={{ ...style, textAlign: "left", fontWeight: strong ? 650 : 450 }}>
        {label}
      </th>
      <td style={{ ...style, textAlign: "right", fontWeight: strong ? 650 : 450 }}>{amount}</td>
    </tr>
  );
}

function PlatformFees({
  agents,
  result,
  busy,
}: {
  agents: { id: string; name: string; platformFeeBasisPoints: number }[];
  result: ActionResult | undefined;
  busy: boolean;
}) {
  return (
    <Card>
      <BlockStack gap="300">
        <Text as="h2" variant="headingMd">
          Agent platform fees
        </Text>
        <Text as="p" tone="subdued">
          What each agent platform charges you per order; the Orders page reports revenue net of it.
        </Text>
        {result?.ok && result.intent === "platform-fee" ? <Banner tone="success" title="Rate saved" /> : null}
        <FormErrorBanner result={result} intent="platform-fee" />
        {agents.length === 0 ? <Text as="p">Add an agent first.</Text> : null}
        {agents.map((agent) => (
          <PlatformFeeRow key={agent.id} agent={agent} result={result} busy={busy} />
        ))}
      </BlockStack>
    </Card>
  );
}

function PlatformFeeRow({
  agent,
  result,
  busy,
}: {
  agent: { id: string; name: string; platformFeeBasisPoints: number };
  result: ActionResult | undefined;
  busy: boolean;
}) {
  const [percent, setPercent] = useState(String(agent.platformFeeBasisPoints / 100));
  return (
    <Form method="post">
      <input type="hidden" name="intent" value="platform-fee" />
      <input type="hidden" name="agentId" value={agent.id} />
      <InlineStack gap="200" blockAlign="end" wrap={false}>
        <div style={{ flex: 1 }}>
          <TextField
            label={`${agent.name} (now ${formatPercent(agent.platformFeeBasisPoints)})`}
            name="percent"
            value={percent}
            onChange={setPercent}
            autoComplete="off"
            inputMode="decimal"
            suffix="%"
            error={fieldError(result, "platform-fee", `platformFee.${agent.id}`)}
          />
        </div>
        <Button submit loading={busy} accessibilityLabel={`Save platform fee for ${agent.name}`}>
          Save
        </Button>
      </InlineStack>
    </Form>
  );
}

export function ErrorBoundary() {
  return <RouteError title="Fees" />;
}
