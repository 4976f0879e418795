-- CreateTable
CREATE TABLE "FeedSettings" (
    "shop" TEXT NOT NULL,
    "rules" TEXT NOT NULL DEFAULT '{}',
    "tokenHash" TEXT,
    "tokenPrefix" TEXT,
    "tokenCreatedAt" TIMESTAMP(3),
    "shardSize" INTEGER NOT NULL DEFAULT 500000,
    "version" INTEGER NOT NULL DEFAULT 0,
    "lastBuiltAt" TIMESTAMP(3),
    "lastFullSyncAt" TIMESTAMP(3),
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FeedSettings_pkey" PRIMARY KEY ("shop")
);

-- CreateTable
CREATE TABLE "FeedItem" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "itemId" TEXT NOT NULL,
    "market" TEXT NOT NULL,
    "currency" TEXT,
    "productId" TEXT NOT NULL,
    "inventoryItemId" TEXT,
    "status" TEXT NOT NULL,
    "problems" TEXT,
    "row" TEXT,
    "contentHash" TEXT NOT NULL,
    "productUpdatedAt" TIMESTAMP(3) NOT NULL,
    "syncedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FeedItem_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "FeedProduct" (
    "shop" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "market" TEXT NOT NULL,
    "acp" TEXT NOT NULL,
    "updatedAt" TIMESTAMP(3) NOT NULL,

    CONSTRAINT "FeedProduct_pkey" PRIMARY KEY ("shop","productId","market")
);

-- CreateTable
CREATE TABLE "FeedRun" (
    "id" TEXT NOT NULL,
    "shop" TEXT NOT NULL,
    "kind" TEXT NOT NULL,
    "status" TEXT NOT NULL,
    "bulkOperationId" TEXT,
    "bulkUrl" TEXT,
    "byteOffset" BIGINT NOT NULL DEFAULT 0,
    "done" INTEGER NOT NULL DEFAULT 0,
    "total" INTEGER,
    "valid" INTEGER NOT NULL DEFAULT 0,
    "invalid" INTEGER NOT NULL DEFAULT 0,
    "excluded" INTEGER NOT NULL DEFAULT 0,
    "deleted" INTEGER NOT NULL DEFAULT 0,
    "peakRssMb" INTEGER,
    "error" TEXT,
    "startedAt" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "finishedAt" TIMESTAMP(3),

    CONSTRAINT "FeedRun_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "FeedSettings_tokenHash_key" ON "FeedSettings"("tokenHash");

-- CreateIndex
CREATE INDEX "FeedItem_shop_status_productId_itemId_market_idx" ON "FeedItem"("shop", "status", "productId", "itemId", "market");

-- CreateIndex
CREATE INDEX "FeedItem_shop_productId_idx" ON "FeedItem"("shop", "productId");

-- CreateIndex
CREATE INDEX "FeedItem_shop_inventoryItemId_idx" ON "FeedItem"("shop", "inventoryItemId");

-- CreateIndex
CREATE INDEX "FeedItem_shop_syncedAt_idx" ON "FeedItem"("shop", "syncedAt");

-- CreateIndex
CREATE UNIQUE INDEX "FeedItem_shop_itemId_market_key" ON "FeedItem"("shop", "itemId", "market");

-- CreateIndex
CREATE INDEX "FeedRun_shop_startedAt_idx" ON "FeedRun"("shop", "startedAt");

-- CreateIndex
CREATE INDEX "FeedRun_shop_status_idx" ON "FeedRun"("shop", "status");

