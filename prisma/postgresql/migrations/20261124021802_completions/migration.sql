-- CreateTable
CREATE TABLE "Completion" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "step" TEXT NOT NULL,
    "amount" INTEGER NOT NULL,
    "currency" TEXT NOT NULL,
    "paymentTokenEncrypted" TEXT NOT NULL,
    "paymentIntentId" TEXT,
    "shopifyOrderId" TEXT,
    "shopifyOrderName" TEXT,
    "orderStatusUrl" TEXT,
    "failureCode" TEXT,
    "failureMessage" TEXT,
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lockedUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "Completion_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "AgentEvent" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "agentId" TEXT NOT NULL,
    "sessionId" TEXT NOT NULL,
    "type" TEXT NOT NULL,
    "order" TEXT NOT NULL,
    "status" TEXT NOT NULL DEFAULT 'pending',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "lastStatus" INTEGER,
    "lastError" TEXT,
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "deliveredAt" TIMESTAMP(3),

    CONSTRAINT "AgentEvent_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "Completion_sessionId_key" ON "Completion"("sessionId");

-- CreateIndex
CREATE INDEX "Completion_step_updatedAt_idx" ON "Completion"("step", "updatedAt");

-- CreateIndex
CREATE INDEX "Completion_shop_createdAt_idx" ON "Completion"("shop", "createdAt");

-- CreateIndex
CREATE INDEX "AgentEvent_shop_sessionId_idx" ON "AgentEvent"("shop", "sessionId");

-- CreateIndex
CREATE INDEX "AgentEvent_status_createdAt_idx" ON "AgentEvent"("status", "createdAt");

