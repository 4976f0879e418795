import "@shopify/ui-extensions/preact";
import { render } from "preact";
import { useEffect, useState } from "preact/hooks";
import {
  choiceLabel,
  eligibilityRequest,
  PRODUCT_API,
  productBlockView,
  type Choice,
  type ProductBlockView,
} from "./view";

export default async () => {
  render(<ProductFeedBlock />, document.body);
};

function ProductFeedBlock() {
  // The product being viewed (admin.product-details.block.render passes exactly one).
  const productId = shopify.data.selected[0]?.id ?? "";
  const [view, setView] = useState<ProductBlockView | null>(null);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState<string | null>(null);

  useEffect(() => {
    // Shopify adds the session token (Authorization: Bearer) to requests to the app's own URL.
    fetch(`${PRODUCT_API}?id=${encodeURIComponent(productId)}`)
      .then(async (response) =>
        setView(productBlockView(response.status, await response.json().catch(() => null))),
      )
      .catch((error: unknown) => setView({ kind: "error", message: String(error) }));
  }, [productId]);

  async function change(next: { search: Choice; checkout: Choice }) {
    setSaving(true);
    setSaved(null);
    try {
      const response = await fetch(PRODUCT_API, {
        method: "POST",
        headers: { "Content-Type": "application/json" },
        body: JSON.stringify(eligibilityRequest(productId, next)),
      });
      setView(productBlockView(response.status, await response.json().catch(() => null)));
      if (response.ok) setSaved("Saved. The feed updates with the sync that just started.");
    } finally {
      setSaving(false);
    }
  }

  if (!view) {
    return (
      <s-admin-block heading="Agentic Commerce feed">
        <s-spinner accessibilityLabel="Loading the feed status" />
      </s-admin-block>
    );
  }
  if (view.kind !== "ready") {
    return (
      <s-admin-block heading="Agentic Commerce feed">
        <s-banner tone={view.kind === "error" ? "critical" : "info"}>
          <s-paragraph>{view.message}</s-paragraph>
        </s-banner>
      </s-admin-block>
    );
  }
  return (
    <s-admin-block heading="Agentic Commerce feed" collapsedSummary={view.headline}>
      <s-stack direction="block" gap="base">
        <s-stack direction="inline" gap="small-200" alignItems="center">
          <s-badge tone={view.tone}>{view.headline}</s-badge>
          <s-text>{view.summary}</s-text>
        </s-stack>
        <s-unordered-list>
          {view.variants.map((variant) => (
            <s-list-item key={variant.label}>
              <s-stack direction="block" gap="small-300">
                <s-stack direction="inline" gap="small-200" alignItems="center">
                  <s-text type="strong">{variant.label}</s-text>
                  <s-badge tone={variant.tone}>{variant.status}</s-badge>
                </s-stack>
                {variant.problems.map((problem) => (
                  <s-text key={problem} color="subdued">
                    {problem}
                  </s-text>
                ))}
              </s-stack>
            </s-list-item>
          ))}
        </s-unordered-list>
        <s-stack direction="inline" gap="base">
          <s-select
            label="Agent search"
            value={view.search}
            disabled={saving}
            onChange={(event) =>
              change({ search: event.currentTarget.value as Choice, checkout: view.checkout })
            }
          >
            {(["default", "on", "off"] as const).map((choice) => (
              <s-option key={choice} value={choice}>
                {choiceLabel(choice, view.defaults.search)}
              </s-option>
            ))}
          </s-select>
          <s-select
            label="Checkout in chat"
            value={view.checkout}
            disabled={saving}
            onChange={(event) =>
              change({ search: view.search, checkout: event.currentTarget.value as Choice })
            }
          >
            {(["default", "on", "off"] as const).map((choice) => (
              <s-option key={choice} value={choice}>
                {choiceLabel(choice, view.defaults.checkout)}
              </s-option>
            ))}
          </s-select>
        </s-stack>
        <s-text color="subdued">{view.effective}</s-text>
        {saved ? <s-text>{saved}</s-text> : null}
      </s-stack>
    </s-admin-block>
  );
}
