import { createHmac, randomUUID } from "node:crypto";
import { SANDBOX_API_VERSION } from "./schema";
import type { ShopState } from "./store";

/**
 * Outgoing webhooks, sent the way Shopify sends them: a POST with the REST-shaped JSON payload,
 * `X-Shopify-*` headers, and `X-Shopify-Hmac-Sha256` = base64 HMAC-SHA256 of the raw body keyed
 * with the app's client secret. A delivery that gets no 2xx (or no answer within `timeoutMs`;
 * Shopify allows 5 s) is retried with exponential backoff and the same webhook id, event id and
 * triggered-at, as Shopify does.
 *
 * Shopify retries 8 times over about 4 hours (https://shopify.dev/changelog/updates-to-webhook-retry-mechanism);
 * `{ retries: 8, baseDelayMs: 56_500 }` reproduces that schedule (56.5 s doubling: 56 s … 2 h,
 * 4 h in total). The default is the same count on a millisecond scale so a demo or test never
 * waits hours.
 */
export interface WebhookRetryOptions {
  /** Redeliveries after the first attempt (Shopify: 8). */
  retries?: number;
  /** Wait before the first redelivery; doubles each time. */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /** How long one attempt may take before it counts as failed (Shopify: 5 s). */
  timeoutMs?: number;
}

export interface WebhookAttempt {
  at: string;
  status: number | null;
  error: string | null;
}

export interface WebhookDelivery {
  webhookId: string;
  eventId: string;
  topic: string;
  shop: string;
  url: string;
  body: string;
  headers: Record<string, string>;
  triggeredAt: string;
  state: "pending" | "delivered" | "failed";
  attempts: WebhookAttempt[];
}

const DEFAULT_RETRY: Required<WebhookRetryOptions> = {
  retries: 8,
  baseDelayMs: 50,
  maxDelayMs: Number.POSITIVE_INFINITY,
  timeoutMs: 5_000,
};

/** Resolves the subscription URI against the app URL the way toml `uri`s resolve against `application_url`. */
export function subscriptionUrl(shop: ShopState, topic: string): string | null {
  const installation = shop.installation;
  if (installation.uninstalledAt && topic !== "app/uninstalled") return null;
  const uri = installation.webhookSubscriptions[topic];
  if (!uri || !installation.apiSecret) return null;
  if (/^https?:\/\//.test(uri)) return uri;
  if (!installation.appUrl) return null;
  return new URL(
    uri,
    installation.appUrl.endsWith("/") ? installation.appUrl : `${installation.appUrl}/`,
  ).toString();
}

export function signWebhookBody(body: string, secret: string): string {
  return createHmac("sha256", secret).update(body, "utf8").digest("base64");
}

export class WebhookDispatcher {
  readonly deliveries: WebhookDelivery[] = [];
  private readonly retry: Required<WebhookRetryOptions>;
  private readonly inFlight = new Set<Promise<void>>();
  private readonly scheduled = new Map<WebhookDelivery, { timer: NodeJS.Timeout; run: () => void }>();
  private idleWaiters: (() => void)[] = [];
  private stopped = false;

  constructor(
    retry: WebhookRetryOptions | undefined,
    private readonly now: () => Date,
  ) {
    this.retry = { ...DEFAULT_RETRY, ...retry };
  }

  /**
   * Queues `topic` for the shop's app if the installation subscribes to it; returns the delivery
   * (also recorded in `deliveries`) or null when nobody listens.
   */
  emit(shop: ShopState, topic: string, payload: unknown): WebhookDelivery | null {
    const url = subscriptionUrl(shop, topic);
    const secret = shop.installation.apiSecret;
    if (!url || !secret || this.stopped) return null;
    const body = JSON.stringify(payload);
    const webhookId = randomUUID();
    const eventId = randomUUID();
    const triggeredAt = this.now().toISOString();
    const delivery: WebhookDelivery = {
      webhookId,
      eventId,
      topic,
      shop: shop.domain,
      url,
      body,
      triggeredAt,
      state: "pending",
      attempts: [],
      headers: {
        "Content-Type": "application/json",
        "User-Agent": "Shopify-Captain-Hook",
        "X-Shopify-Topic": topic,
        "X-Shopify-Hmac-Sha256": signWebhookBody(body, secret),
        "X-Shopify-Shop-Domain": shop.domain,
        "X-Shopify-API-Version": SANDBOX_API_VERSION,
        "X-Shopify-Webhook-Id": webhookId,
        "X-Shopify-Event-Id": eventId,
        "X-Shopify-Triggered-At": triggeredAt,
      },
    };
    this.deliveries.push(delivery);
    this.track(this.attempt(delivery));
    return delivery;
  }

  /** Runs every scheduled redelivery now instead of after its backoff, and waits for those attempts. */
  async flush(): Promise<void> {
    const pending = [...this.scheduled.entries()];
    for (const [delivery, { timer, run }] of pending) {
      clearTimeout(timer);
      this.scheduled.delete(delivery);
      run();
    }
    await Promise.all([...this.inFlight]);
  }

  /** Resolves once nothing is in flight or waiting for a retry (every delivery delivered or given up). */
  waitForIdle(timeoutMs = 30_000): Promise<void> {
    if (this.idle()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.idleWaiters = this.idleWaiters.filter((waiter) => waiter !== done);
        reject(new Error(`Webhooks still pending after ${timeoutMs} ms`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.idleWaiters.push(done);
    });
  }

  /** Deliveries for a topic (test helper). */
  byTopic(topic: string): WebhookDelivery[] {
    return this.deliveries.filter((delivery) => delivery.topic === topic);
  }

  clear(): void {
    this.deliveries.length = 0;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    for (const { timer } of this.scheduled.values()) clearTimeout(timer);
    this.scheduled.clear();
    await Promise.allSettled([...this.inFlight]);
    this.notifyIdle();
  }

  private idle(): boolean {
    return this.inFlight.size === 0 && this.scheduled.size === 0;
  }

  private notifyIdle(): void {
    if (!this.idle()) return;
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    waiters.forEach((waiter) => waiter());
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => {
      this.inFlight.delete(work);
      this.notifyIdle();
    });
  }

  private async attempt(delivery: WebhookDelivery): Promise<void> {
    const attempt: WebhookAttempt = { at: this.now().toISOString(), status: null, error: null };
    delivery.attempts.push(attempt);
    try {
      const response = await fetch(delivery.url, {
        method: "POST",
        headers: delivery.headers,
        body: delivery.body,
        signal: AbortSignal.timeout(this.retry.timeoutMs),
      });
      attempt.status = response.status;
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) {
        delivery.state = "delivered";
        return;
      }
      attempt.error = `HTTP ${response.status}`;
    } catch (error) {
      attempt.error =
        error instanceof Error
          ? error.cause instanceof Error
            ? error.cause.message
            : error.message
          : String(error);
    }
    const retriesDone = delivery.attempts.length - 1;
    if (this.stopped || retriesDone >= this.retry.retries) {
      delivery.state = "failed";
      return;
    }
    const delay = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** retriesDone);
    const run = () => this.track(this.attempt(delivery));
    const timer = setTimeout(() => {
      this.scheduled.delete(delivery);
      run();
    }, delay);
    timer.unref();
    this.scheduled.set(delivery, { timer, run });
  }
}
