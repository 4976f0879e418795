import { createHmac } from "node:crypto";
import prisma from "../db.server";
import { decryptSecret } from "../lib/crypto.server";
import { agentEventBody, type AgentEventType, type AgentOrder } from "./events";

const DELIVERY_TIMEOUT_MS = 10_000;

/**
 * Signs a webhook body the way the agent's ACP version says:
 * - 2026-04-17: `Merchant-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`;
 * - earlier: hex HMAC-SHA256 of the raw body in `Merchant-Signature`.
 */
export function signWebhook(
  version: string,
  secret: string,
  body: string,
  now = Date.now(),
): Record<string, string> {
  if (version >= "2026-04-17") {
    const t = Math.floor(now / 1000);
    const v1 = createHmac("sha256", secret).update(`${t}.${body}`).digest("hex");
    return { "Merchant-Signature": `t=${t},v1=${v1}` };
  }
  return { "Merchant-Signature": createHmac("sha256", secret).update(body).digest("hex") };
}

/**
 * Delivers one outbox event to the agent's webhook URL. Throws on anything but 2xx so the job
 * queue retries with backoff; the exact bytes signed are the bytes sent.
 */
export async function deliverAgentEvent(eventId: string): Promise<void> {
  const event = await prisma.agentEvent.findUnique({ where: { id: eventId } });
  if (!event || event.status === "delivered") return;
  const [agent, session] = await Promise.all([
    prisma.agent.findFirst({ where: { id: event.agentId, shop: event.shop } }),
    prisma.checkoutSession.findFirst({ where: { id: event.sessionId, shop: event.shop } }),
  ]);
  if (!agent?.webhookUrl || !agent.webhookSecretEncrypted || !session) {
    await prisma.agentEvent.update({
      where: { id: eventId },
      data: { status: "skipped", lastError: "No webhook configured" },
    });
    return;
  }
  const body = JSON.stringify(
    agentEventBody(
      event.type as AgentEventType,
      JSON.parse(event.order) as AgentOrder,
      session.apiVersion,
      agent.eventNaming === "openai" ? "openai" : "spec",
    ),
  );
  const headers = {
    "Content-Type": "application/json",
    "API-Version": session.apiVersion,
    "Request-Id": event.id,
    ...signWebhook(session.apiVersion, decryptSecret(agent.webhookSecretEncrypted), body),
  };
  let status: number | null = null;
  let failure: string | null = null;
  try {
    const response = await fetch(agent.webhookUrl, {
      method: "POST",
      headers,
      body,
      signal: AbortSignal.timeout(DELIVERY_TIMEOUT_MS),
    });
    status = response.status;
    if (!response.ok) failure = `HTTP ${response.status}`;
  } catch (error) {
    failure = error instanceof Error ? error.message : String(error);
  }
  await prisma.agentEvent.update({
    where: { id: eventId },
    data: failure
      ? { attempts: { increment: 1 }, lastStatus: status, lastError: failure.slice(0, 500) }
      : {
          attempts: { increment: 1 },
          lastStatus: status,
          lastError: null,
          status: "delivered",
          deliveredAt: new Date(),
        },
  });
  if (failure) throw new Error(`Webhook delivery failed: ${failure}`);
}
