import { mkdirSync } from "node:fs";
import path from "node:path";
import { chromium, type Browser, type BrowserContext, type FrameLocator, type Page } from "playwright-core";
import { TMP_DIR } from "../support/paths";

export const SCREENSHOT_DIR = path.join(TMP_DIR, "screenshots");
/** A real browser's agent: the Shopify library answers bot user agents with 410. */
export const BROWSER_UA =
  "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36";

/**
 * Chromium, headless and offline. Local Network Access checks are off because the tests serve the
 * sandbox admin at Shopify's real admin address (https://admin.shopify.com, a "public" origin)
 * while the app runs on 127.0.0.1; in production both are public hosts and the check never applies.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: "/usr/bin/chromium",
    args: [
      "--headless",
      "--no-sandbox",
      "--disable-gpu",
      "--disable-background-networking",
      "--disable-component-update",
      "--disable-sync",
      "--no-first-run",
      "--disable-features=LocalNetworkAccessChecks",
    ],
  });
}

export interface AdminSession {
  context: BrowserContext;
  page: Page;
  /** The embedded app inside the admin page. */
  app: FrameLocator;
  /** Browser console errors and uncaught exceptions seen so far (the app's and the host's). */
  problems: string[];
  /** Requests the route blocked (anything not on 127.0.0.1 or the admin address). */
  blocked: string[];
  close(): Promise<void>;
}

/**
 * Opens `https://admin.shopify.com/store/<store>/apps/<apiKey><appPath>` in a new context. Nothing
 * leaves the machine: the admin address is answered by the sandbox's admin host page
 * (`/admin/apps/…`), 127.0.0.1 passes, and every other request (cdn.shopify.com…) is aborted.
 * Serving the host page under Shopify's own origin means the app's real
 * `Content-Security-Policy: frame-ancestors https://admin.shopify.com …` is enforced, not bypassed.
 */
export async function openAdmin(
  browser: Browser,
  options: { sandboxUrl: string; shop: string; apiKey: string; appPath?: string },
): Promise<AdminSession> {
  const context = await browser.newContext({
    viewport: { width: 1280, height: 1000 },
    userAgent: BROWSER_UA,
  });
  // Shorter than the test's timeout, so a failure names the locator it was waiting for.
  context.setDefaultTimeout(10_000);
  const problems: string[] = [];
  const blocked: string[] = [];
  const store = options.shop.replace(/\.myshopify\.com$/, "");
  await context.route("**/*", async (route) => {
    const url = new URL(route.request().url());
    if (url.hostname === "127.0.0.1") return route.continue();
    if (url.origin === "https://admin.shopify.com") {
      const target = new URL(options.sandboxUrl);
      const page = /^\/store\/([^/]+)\/apps\/(.+)$/.exec(url.pathname);
      if (page) {
        target.pathname = `/admin/apps/${page[2]}`;
        target.search = url.search;
        target.searchParams.set("shop", `${page[1]}.myshopify.com`);
      } else {
        target.pathname = url.pathname;
        target.search = url.search;
      }
      const response = await route.fetch({ url: target.toString() });
      return route.fulfill({ response });
    }
    blocked.push(url.toString());
    return route.abort("blockedbyclient");
  });
  const page = await context.newPage();
  page.on("console", (message) => {
    // Expected noise: aborted third-party requests (the App Bridge preload hint), and the 400 that
    // forms answer with field errors.
    // Also expected: Polaris Viz 16 lays a chart out once before it has measured its legend and
    // axis labels, with negative sizes Chromium reports; the next layout is right (the tests check
    // the drawn charts' sizes).
    const expected =
      /ERR_BLOCKED_BY_CLIENT|net::ERR_FAILED|status of 400 \(Bad Request\)|^Error: <(rect|svg)> attribute (height|viewBox): A negative value is not valid/;
    if (message.type() === "error" && !expected.test(message.text())) {
      problems.push(`console: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => problems.push(`pageerror: ${error.message}`));
  await page.goto(
    `https://admin.shopify.com/store/${store}/apps/${encodeURIComponent(options.apiKey)}${options.appPath ?? "/app"}`,
  );
  const app = page.frameLocator("#app-frame");
  return {
    context,
    page,
    app,
    problems,
    blocked,
    close: () => context.close(),
  };
}

/**
 * Saves a screenshot of the admin page (host chrome and the whole app page) for a human to look
 * at. The viewport grows to the app's height for the shot, since a frame cannot be captured whole.
 */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(SCREENSHOT_DIR, { recursive: true });
  const file = path.join(SCREENSHOT_DIR, `${name}.png`);
  const frame = page.frame({ url: /127\.0\.0\.1/ });
  const viewport = page.viewportSize()!;
  const height = frame ? await frame.evaluate(() => document.documentElement.scrollHeight) : viewport.height;
  await page.setViewportSize({
    width: viewport.width,
    height: Math.min(4000, Math.max(viewport.height, height + 56)),
  });
  // Let Polaris re-lay out for the new size before the shot.
  await page.waitForTimeout(100);
  await page.screenshot({ path: file });
  await page.setViewportSize(viewport);
  return file;
}
