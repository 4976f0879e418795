import axe from "axe-core";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import type { Browser, Frame } from "playwright-core";
import { DEMO_SECRET_KEY } from "../../sandbox/stripe/accounts";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { TEST_API_KEY } from "../support/app-server";
import { launchBrowser, openAdmin, screenshot, type AdminSession } from "./admin-browser";
import { startIsolatedAppServer } from "./isolated-app";

/**
 * axe-core on every admin page, in real Chromium inside the sandbox admin: a serious or critical
 * violation fails the test and names the rule and the elements. Pages are checked with data in
 * them (a synced feed, agents, a fee, a completed test purchase, canceled sessions with reasons),
 * and the test purchase page with its request trace open.
 */

let stack: AcpStack;
let browser: Browser;
let admin: AdminSession;

beforeAll(async () => {
  stack = await startAcpStack({ startApp: startIsolatedAppServer });
  browser = await launchBrowser();
  admin = await openAdmin(browser, { sandboxUrl: stack.shopify.url, shop: stack.shop, apiKey: TEST_API_KEY });
  await admin.app.getByRole("heading", { name: "Agentic Commerce", level: 1 }).waitFor();
}, 180_000);

afterAll(async () => {
  await admin?.close();
  await browser?.close();
  await stack?.stop();
});

function appFrame(): Frame {
  const frame = admin.page.frame({ url: /127\.0\.0\.1/ });
  if (!frame) throw new Error("the app frame is not loaded");
  return frame;
}

interface Violation {
  id: string;
  impact: string | null;
  help: string;
  nodes: { target: unknown[]; failureSummary?: string }[];
}

/** Runs axe in the app's frame; returns the serious and critical violations, readable. */
async function seriousViolations(): Promise<string[]> {
  const frame = appFrame();
  if (!(await frame.evaluate(() => "axe" in window))) await frame.evaluate(axe.source);
  const violations = await frame.evaluate(async () => {
    const result = await (window as unknown as { axe: typeof axe }).axe.run(document, {
      resultTypes: ["violations"],
    });
    return result.violations.map((violation) => ({
      id: violation.id,
      impact: violation.impact ?? null,
      help: violation.help,
      nodes: violation.nodes.map((node) => ({ target: node.target, failureSummary: node.failureSummary })),
    }));
  });
  return (violations as Violation[])
    .filter((violation) => violation.impact === "serious" || violation.impact === "critical")
    .map(
      (violation) =>
        `${violation.impact} ${violation.id} (${violation.help}): ${violation.nodes
          .slice(0, 5)
          .map((node) => JSON.stringify(node.target))
          .join(", ")}`,
    );
}

async function goTo(label: string, heading: string) {
  await admin.page
    .getByRole("navigation", { name: "Shopify admin" })
    .getByRole("link", { name: label, exact: true })
    .click();
  await admin.app.getByRole("heading", { name: heading, level: 1 }).waitFor();
}

describe("accessibility (axe-core) of every admin page", { timeout: 90_000 }, () => {
  it("Home", async () => {
    expect(await seriousViolations()).toEqual([]);
  });

  it("Feed, after a sync (runs and problem tabs)", async () => {
    await goTo("Feed", "Product feed");
    const syncNow = admin.app.getByRole("button", { name: "Sync now" });
    await vi.waitFor(async () => expect(await syncNow.isEnabled()).toBe(true), { timeout: 30_000 });
    await syncNow.click();
    await vi.waitFor(
      async () =>
        expect(
          await stack.db.feedItem.count({ where: { shop: stack.shop, status: "valid" } }),
        ).toBeGreaterThan(0),
      { timeout: 60_000, interval: 250 },
    );
    await admin.app.getByRole("row").filter({ hasText: "Succeeded" }).first().waitFor({ timeout: 30_000 });
    expect(await seriousViolations()).toEqual([]);
  });

  it("Settings", async () => {
    await goTo("Settings", "Settings");
    expect(await seriousViolations()).toEqual([]);
  });

  it("Agents, with the key shown once, and an agent's settings", async () => {
    await goTo("Agents", "Agents");
    await admin.app.getByLabel("Agent name").fill("Axe agent");
    await admin.app.getByRole("button", { name: "Create agent and key" }).click();
    await admin.app.getByTestId("revealed-secret").waitFor();
    expect(await seriousViolations()).toEqual([]);
    await admin.app.getByRole("button", { name: "Done" }).click();
    // Checked once the key's panel is gone: while it fades out, axe reads its half-transparent text
    // as failing contrast.
    await admin.app.getByTestId("revealed-secret").waitFor({ state: "hidden" });
    expect(await seriousViolations()).toEqual([]);
    await admin.app.getByRole("link", { name: "Axe agent", exact: true }).click();
    await admin.app.getByRole("heading", { name: "Axe agent", level: 1 }).waitFor();
    expect(await seriousViolations()).toEqual([]);
  });

  it("Fees, with a fee being edited", async () => {
    await goTo("Fees", "Fees");
    await admin.app.getByLabel("Label").fill("Service fee");
    await admin.app.getByLabel("Amount").fill("1.50");
    await admin.app.getByRole("button", { name: "Add fee" }).click();
    await admin.app.getByText("Fee saved").waitFor();
    expect(await seriousViolations()).toEqual([]);
  });

  it("Test purchase, with the request trace open", async () => {
    await goTo("Test purchase", "Test purchase");
    expect(await seriousViolations()).toEqual([]);
    await admin.app.getByLabel("Stripe test secret key for this purchase (optional)").fill(DEMO_SECRET_KEY);
    await admin.app.getByRole("button", { name: "Buy as an agent" }).click();
    await admin.app.getByText("Test order placed").waitFor({ timeout: 30_000 });
    await admin.app.getByText("Request and response").first().click();
    expect(await seriousViolations()).toEqual([]);
    await screenshot(admin.page, "a11y-test-purchase");
  });

  it("Orders, with the Polaris Viz charts drawn (funnel, per agent, cancel reasons, revenue)", async () => {
    // A canceled session with an intent trace, so the cancel reasons chart has data.
    const client = stack.client("2026-04-17");
    const tee = (await stack.db.feedItem.findFirstOrThrow({ where: { shop: stack.shop, status: "valid" } }))
      .itemId;
    const created = (
      await client.createCheckout({ currency: "usd", capabilities: {}, line_items: [{ id: tee }] })
    ).body as { id: string };
    await client.cancelCheckout(created.id, { intent_trace: { reason_code: "price_sensitivity" } });

    await goTo("Orders from agents", "Orders from agents");
    await admin.app.getByTestId("cancel-reasons-chart").waitFor();
    for (const chart of ["funnel-chart", "agent-funnel-chart", "cancel-reasons-chart"]) {
      await admin.app.locator(`[data-testid="${chart}"][data-chart="drawn"] svg`).first().waitFor();
    }
    await admin.app.locator('[data-testid^="revenue-chart-"][data-chart="drawn"] svg').first().waitFor();
    // Drawn at their final size: every chart's SVG has a positive height.
    const heights = await appFrame().evaluate(() =>
      [...document.querySelectorAll("figure[data-chart='drawn'] svg[viewBox]")].map((svg) =>
        Number(svg.getAttribute("viewBox")!.split(" ")[3]),
      ),
    );
    expect(heights.length).toBeGreaterThanOrEqual(4);
    expect(heights.every((height) => height > 0)).toBe(true);
    expect(await seriousViolations()).toEqual([]);
    await screenshot(admin.page, "a11y-orders-charts");
  });

  it("saw no browser errors", () => {
    expect(admin.problems).toEqual([]);
  });
});
