-- CreateTable
CREATE TABLE "FeedDestination" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "name" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "url" TEXT NOT NULL,
    "format" TEXT,
    "market" TEXT,
    "authHeader" TEXT NOT NULL DEFAULT 'Authorization',
    "secretEncrypted" TEXT,
    "secretLast4" TEXT,
    "intervalMinutes" INTEGER NOT NULL DEFAULT 60,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "remoteFeedId" TEXT,
    "lastPushedVersion" INTEGER,
    "lastPushAt" TIMESTAMP(3),
    "lastStatus" TEXT,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "nextPushAt" TIMESTAMP(3),
    "leaseUntil" TIMESTAMP(3),
    "createdAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FeedDestination_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FeedPushedProduct" (
    "shop" TEXT NOT NULL,
    "destinationId" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL,
    "tombstone" TEXT NOT NULL,
    "removed" BOOLEAN NOT NULL DEFAULT false,
    "pushedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FeedPushedProduct_pkey" PRIMARY KEY ("destinationId","productId")
);

-- CreateTable
CREATE TABLE "FeedDelivery" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "destinationId" TEXT NOT NULL,
    "trigger" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "attempt" INTEGER NOT NULL,
    "httpStatus" INTEGER,
    "products" INTEGER NOT NULL DEFAULT 0,
    "removed" INTEGER NOT NULL DEFAULT 0,
    "bytes" INTEGER NOT NULL DEFAULT 0,
    "error" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "FeedDelivery_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "FeedDestination_shop_idx" ON "FeedDestination"("shop");

-- CreateIndex
CREATE INDEX "FeedDestination_enabled_nextPushAt_idx" ON "FeedDestination"("enabled", "nextPushAt");

-- CreateIndex
CREATE INDEX "FeedDelivery_shop_destinationId_startedAt_idx" ON "FeedDelivery"("shop", "destinationId", "startedAt");

