-- RedefineTables
PRAGMA defer_foreign_keys=ON;
PRAGMA foreign_keys=OFF;
CREATE TABLE "new_FeedProduct" (
    "shop" TEXT NOT NULL,
    "productId" TEXT NOT NULL,
    "market" TEXT NOT NULL,
    "acp" TEXT NOT NULL,
    "contentHash" TEXT NOT NULL DEFAULT '',
    "updatedAt" DATETIME NOT NULL,

    PRIMARY KEY ("shop", "productId", "market")
);
INSERT INTO "new_FeedProduct" ("acp", "market", "productId", "shop", "updatedAt") SELECT "acp", "market", "productId", "shop", "updatedAt" FROM "FeedProduct";
DROP TABLE "FeedProduct";
ALTER TABLE "new_FeedProduct" RENAME TO "FeedProduct";
PRAGMA foreign_keys=ON;
PRAGMA defer_foreign_keys=OFF;

