import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Browser } from "playwright-core";
import { startFeedReceiver, type FeedReceiver } from "../../sandbox/agent/feed-receiver";
import { startAcpStack, type AcpStack } from "../support/acp-stack";
import { TEST_API_KEY } from "../support/app-server";
import { finishedFullSync, waitFor } from "../feed/feed-stack";
import { launchBrowser, openAdmin, screenshot, type AdminSession } from "./admin-browser";
import { startIsolatedAppServer } from "./isolated-app";

/**
 * The feed admin in real Chromium, framed by the sandbox admin: a rule changed in the form leaves
 * products out of the preview once the full sync it queued has run, and a Feed API destination
 * added in the form is pushed to the sandbox agent and shows in the delivery history.
 */

let stack: AcpStack;
let browser: Browser;
let admin: AdminSession;
let agent: FeedReceiver;

beforeAll(async () => {
  stack = await startAcpStack({ startApp: startIsolatedAppServer });
  agent = await startFeedReceiver();
  await finishedFullSync(stack.db, stack.shop, { timeoutMs: 60_000 });
  browser = await launchBrowser();
  admin = await openAdmin(browser, {
    sandboxUrl: stack.shopify.url,
    shop: stack.shop,
    apiKey: TEST_API_KEY,
    appPath: "/app/feed",
  });
  await admin.app.getByRole("heading", { name: "Product feed", level: 1 }).waitFor();
  // The stack, a first full sync and Chromium on a shared 2-core machine.
}, 240_000);

afterEach(async (context) => {
  if (context.task.result?.state === "fail" && admin) {
    await screenshot(admin.page, `failed-feed-${context.task.name.slice(0, 40).replace(/\W+/g, "-")}`).catch(
      () => {},
    );
    console.log(`app server output (tail):\n${stack.app.output().slice(-4000)}`);
  }
});

afterAll(async () => {
  await admin?.close();
  await browser?.close();
  await agent?.close();
  await stack?.stop();
});

/** From any feed page: back to the feed overview, then to one of its pages. */
async function openSubpage(label: string, heading: string) {
  const back = admin.app.getByRole("link", { name: "Product feed", exact: true });
  if (await back.count()) await back.click();
  await admin.app.getByRole("heading", { name: "Product feed", level: 1 }).waitFor();
  await admin.app.getByRole("navigation", { name: "Feed pages" }).getByRole("link", { name: label }).click();
  await admin.app.getByRole("heading", { name: heading, level: 1 }).waitFor();
}

async function searchPreview(text: string) {
  await admin.app.getByLabel("Search the feed").fill(text);
  await admin.app.getByRole("button", { name: "Search", exact: true }).click();
  await admin.app.locator('[aria-busy="false"]#feed-preview').waitFor();
}

describe("feed admin", () => {
  it("previews the items agents receive, with their raw JSON", async () => {
    await openSubpage("Preview", "Feed preview");
    await searchPreview("Pour-Over");
    const entries = admin.app.getByTestId("preview-entry");
    await entries.first().waitFor();
    expect(await entries.count()).toBeGreaterThan(0);
    await expect.poll(() => entries.first().textContent()).toContain("Ceramic Pour-Over Set");
    // The raw row opens from the keyboard.
    const summary = entries.first().locator("summary");
    await summary.focus();
    await admin.page.keyboard.press("Enter");
    const raw = await entries.first().locator("pre").textContent();
    expect(JSON.parse(raw!)).toMatchObject({ title: "Ceramic Pour-Over Set", seller_name: "ACP Demo Store" });
    await screenshot(admin.page, "feed-preview");
  });

  it("an excluded tag takes its products out of the preview after the sync it queues", async () => {
    await openSubpage("Rules", "Feed rules");
    // A bad value is refused with the field's error, nothing saved.
    await admin.app.getByLabel("Excluded tags").fill("x".repeat(300));
    await admin.app.getByRole("button", { name: "Save rules" }).click();
    await admin.app.getByText(/Each value must be 1–255 characters/).waitFor();
    expect(
      JSON.parse((await stack.db.feedSettings.findUnique({ where: { shop: stack.shop } }))!.rules).exclude
        ?.tags ?? [],
    ).toEqual([]);

    // A half-filled metafield mapping is refused row by row, and what was typed stays.
    await admin.app.getByRole("button", { name: "Add mapping" }).click();
    await admin.app.getByLabel("Namespace").fill("custom");
    await admin.app.getByRole("button", { name: "Save rules" }).click();
    await admin.app.getByText("Choose the feed field this metafield fills.").waitFor();
    await admin.app.getByText("Required (or clear the whole row).").waitFor();
    expect(await admin.app.getByLabel("Namespace").inputValue()).toBe("custom");

    const savedAt = new Date();
    await admin.app.getByLabel("Key", { exact: true }).fill("gtin");
    await admin.app.getByLabel("Feed field").selectOption("gtin");
    await admin.app.getByLabel("Excluded tags").fill("coffee");
    await admin.app.getByRole("button", { name: "Save rules" }).click();
    await admin.app.getByText("Rules saved").waitFor();
    const stored = JSON.parse(
      (await stack.db.feedSettings.findUnique({ where: { shop: stack.shop } }))!.rules,
    );
    expect(stored.exclude.tags).toEqual(["coffee"]);
    expect(stored.metafieldMappings).toEqual([{ namespace: "custom", key: "gtin", field: "gtin" }]);
    await screenshot(admin.page, "feed-rules-saved");
    const run = await finishedFullSync(stack.db, stack.shop, { after: savedAt, timeoutMs: 60_000 });
    expect(run.status).toBe("succeeded");

    await openSubpage("Preview", "Feed preview");
    await searchPreview("Pour-Over");
    await admin.app.getByText("Nothing agents can see matches “Pour-Over”").waitFor();
    await searchPreview("Espresso");
    await admin.app.getByText("Nothing agents can see matches “Espresso”").waitFor();
    await searchPreview("Tote");
    await admin.app.getByTestId("preview-entry").first().waitFor();
    await screenshot(admin.page, "feed-preview-after-rule");
  });

  it("adds a Feed API destination, pushes it and shows the delivery", async () => {
    await openSubpage("Destinations", "Feed destinations");
    await admin.app.getByText("No destinations yet").waitFor();
    await admin.app.getByRole("button", { name: "Add destination" }).first().click();
    const dialog = admin.app.getByRole("dialog");
    await dialog.getByLabel("Name").fill("Sandbox agent");
    await dialog.getByLabel("Feed API base URL").fill("ftp://nowhere");
    await dialog.getByLabel("Market").selectOption("united-states");
    await dialog.getByLabel("Secret").fill(agent.token);
    await dialog.getByRole("button", { name: "Save" }).click();
    await dialog.getByText("The URL must use https://.").waitFor();

    await dialog.getByLabel("Feed API base URL").fill(agent.origin);
    await dialog.getByRole("button", { name: "Save" }).click();
    await admin.app.getByText("Destination added; its first push is queued.").waitFor();
    await waitFor("the first push", async () => agent.upserts().length > 0, 30_000);
    const row = admin.app.getByRole("row").filter({ hasText: "Sandbox agent" }).first();
    await row.getByText("Succeeded").waitFor({ timeout: 20_000 });
    // The products sent are the shop's, without the excluded ones.
    const [feed] = agent.feeds();
    const titles = agent.products(feed.id)!.map((p) => p.title);
    expect(titles).toContain("Canvas Tote Bag");
    expect(titles).not.toContain("Ceramic Pour-Over Set");
    // The secret never reaches the page.
    expect(await admin.app.locator("body").textContent()).not.toContain(agent.token);
    await screenshot(admin.page, "feed-destinations");
    expect(admin.problems).toEqual([]);
  });
});
