import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import { ORDER_API, orderBlockView, type OrderBlockView } from "./view";

export default async () => {
  render(<AgentOrderBlock />, document.body);
};

function AgentOrderBlock() {
  const orderId = shopify.data.selected[0]?.id ?? "";
  const [view, setView] = useState<OrderBlockView | null>(null);

  useEffect(() => {
    // Shopify adds the session token (Authorization: Bearer) to requests to the app's own URL.
    fetch(`${ORDER_API}?id=${encodeURIComponent(orderId)}`)
      .then(async (response) =>
        setView(orderBlockView(response.status, await response.json().catch(() => null))),
      )
      .catch((error: unknown) => setView({ kind: "error", message: String(error) }));
  }, [orderId]);

  if (!view) {
    return (
      <s-admin-block heading="Agentic Commerce">
        <s-spinner accessibilityLabel="Loading the agent checkout" />
      </s-admin-block>
    );
  }
  if (view.kind !== "ready") {
    return (
      <s-admin-block heading="Agentic Commerce" collapsedSummary={view.message}>
        {view.kind === "error" ? (
          <s-banner tone="critical">
            <s-paragraph>{view.message}</s-paragraph>
          </s-banner>
        ) : (
          <s-text color="subdued">{view.message}</s-text>
        )}
      </s-admin-block>
    );
  }
  return (
    <s-admin-block heading="Agentic Commerce" collapsedSummary={`Placed by ${view.agent}`}>
      <s-stack direction="block" gap="base">
        <s-stack direction="inline" gap="small-200" alignItems="center">
          <s-text type="strong">Placed by {view.agent}</s-text>
          {view.test ? <s-badge tone="info">Test purchase</s-badge> : null}
        </s-stack>
        <s-stack direction="block" gap="small-300">
          {view.details.map((detail) => (
            <s-text key={detail.label}>
              {detail.label}: {detail.value}
            </s-text>
          ))}
        </s-stack>
        <s-heading>Events sent to the agent</s-heading>
        {view.events.length === 0 ? (
          <s-text color="subdued">None yet.</s-text>
        ) : (
          <s-unordered-list>
            {view.events.map((event) => (
              <s-list-item key={event.key}>
                <s-stack direction="inline" gap="small-200" alignItems="center">
                  <s-text>{event.label}</s-text>
                  <s-badge tone={event.tone}>{event.status}</s-badge>
                  {event.detail ? <s-text color="subdued">{event.detail}</s-text> : null}
                </s-stack>
              </s-list-item>
            ))}
          </s-unordered-list>
        )}
      </s-stack>
    </s-admin-block>
  );
}
