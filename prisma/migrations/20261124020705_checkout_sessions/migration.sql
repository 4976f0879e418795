-- CreateTable
CREATE TABLE "ShopSettings" (
    "shop" TEXT NOT NULL PRIMARY KEY,
    "sessionTtlMinutes" INTEGER NOT NULL DEFAULT 360,
    "maxQuantityPerLine" INTEGER NOT NULL DEFAULT 50,
    "stripeAccountId" TEXT,
    "stripeKeyEncrypted" TEXT,
    "stripeKeyLast4" TEXT,
    "stripeLivemode" BOOLEAN,
    "stripeCheckedAt" DATETIME,
    "updatedAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "Agent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "acceptedVersions" TEXT,
    "completeStatus" INTEGER NOT NULL DEFAULT 200,
    "idempotencyConflictStatus" INTEGER NOT NULL DEFAULT 422,
    "eventNaming" TEXT NOT NULL DEFAULT 'spec',
    "webhookUrl" TEXT,
    "webhookSecretEncrypted" TEXT,
    "signingAlgorithm" TEXT,
    "signingKeyEncrypted" TEXT,
    "platformFeeBasisPoints" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "deletedAt" DATETIME
);

-- CreateTable
CREATE TABLE "AgentApiKey" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "prefix" TEXT NOT NULL,
    "keyHash" TEXT NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastUsedAt" DATETIME,
    "revokedAt" DATETIME
);

-- CreateTable
CREATE TABLE "CheckoutSession" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "apiVersion" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "currency" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "revision" INTEGER NOT NULL DEFAULT 0,
    "expiresAt" DATETIME NOT NULL,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL,
    "canceledAt" DATETIME,
    "cancelReason" TEXT,
    "cancelTrace" TEXT,
    "completedAt" DATETIME,
    "shopifyOrderId" TEXT
);

-- CreateTable
CREATE TABLE "CheckoutEvent" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "fromStatus" TEXT,
    "toStatus" TEXT,
    "detail" TEXT,
    "at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);

-- CreateTable
CREATE TABLE "IdempotencyRecord" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "endpoint" TEXT NOT NULL,
    "key" TEXT NOT NULL,
    "requestHash" TEXT NOT NULL,
    "state" TEXT NOT NULL,
    "lockedUntil" DATETIME,
    "responseStatus" INTEGER,
    "responseBody" TEXT,
    "responseHeaders" TEXT,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "expiresAt" DATETIME NOT NULL
);

-- CreateTable
CREATE TABLE "FeeRule" (
    "id" TEXT NOT NULL PRIMARY KEY,
    "shop" TEXT NOT NULL,
    "label" TEXT NOT NULL,
    "description" TEXT,
    "kind" TEXT NOT NULL,
    "fixedAmount" INTEGER,
    "basisPoints" INTEGER,
    "minAmount" INTEGER,
    "maxAmount" INTEGER,
    "currency" TEXT,
    "agentIds" TEXT,
    "countries" TEXT,
    "active" BOOLEAN NOT NULL DEFAULT true,
    "position" INTEGER NOT NULL DEFAULT 0,
    "createdAt" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" DATETIME NOT NULL
);

-- CreateIndex
CREATE INDEX "Agent_shop_idx" ON "Agent"("shop");

-- CreateIndex
CREATE UNIQUE INDEX "AgentApiKey_keyHash_key" ON "AgentApiKey"("keyHash");

-- CreateIndex
CREATE INDEX "AgentApiKey_shop_agentId_idx" ON "AgentApiKey"("shop", "agentId");

-- CreateIndex
CREATE INDEX "CheckoutSession_shop_status_idx" ON "CheckoutSession"("shop", "status");

-- CreateIndex
CREATE INDEX "CheckoutSession_shop_createdAt_idx" ON "CheckoutSession"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "CheckoutSession_status_expiresAt_idx" ON "CheckoutSession"("status", "expiresAt");

-- CreateIndex
CREATE INDEX "CheckoutEvent_sessionId_at_idx" ON "CheckoutEvent"("sessionId", "at");

-- CreateIndex
CREATE INDEX "CheckoutEvent_shop_at_idx" ON "CheckoutEvent"("shop", "at");

-- CreateIndex
CREATE INDEX "IdempotencyRecord_expiresAt_idx" ON "IdempotencyRecord"("expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "IdempotencyRecord_shop_agentId_endpoint_key_key" ON "IdempotencyRecord"("shop", "agentId", "endpoint", "key");

-- CreateIndex
CREATE INDEX "FeeRule_shop_idx" ON "FeeRule"("shop");

