-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_FeedItem" (
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
    "productUpdatedAt" DATETIME NOT NULL,
    "syncedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "itemId", "market")
);
INSERT INTO "new_FeedItem" ("contentHash", "currency", "inventoryItemId", "itemId", "market", "problems", "productId", "productUpdatedAt", "row", "shop", "status", "syncedAt") SELECT "contentHash", "currency", "inventoryItemId", "itemId", "market", "problems", "productId", "productUpdatedAt", "row", "shop", "status", "syncedAt" FROM "FeedItem";
DROP TABLE "FeedItem";
ALTER TABLE "new_FeedItem" RENAME TO "FeedItem";
CREATE INDEX "FeedItem_shop_status_productId_itemId_market_idx" ON "FeedItem"("shop", "status", "productId", "itemId", "market");
CREATE INDEX "FeedItem_shop_productId_idx" ON "FeedItem"("shop", "productId");
CREATE INDEX "FeedItem_shop_inventoryItemId_idx" ON "FeedItem"("shop", "inventoryItemId");
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

