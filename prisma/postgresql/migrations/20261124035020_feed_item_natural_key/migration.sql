-- DropIndex
DROP INDEX "FeedItem_shop_syncedAt_idx";

-- DropIndex
DROP INDEX "FeedItem_shop_itemId_market_key";

-- AlterTable
ALTER TABLE "FeedItem" DROP CONSTRAINT "FeedItem_pkey",
DROP COLUMN "id",
ADD CONSTRAINT "FeedItem_pkey" PRIMARY KEY ("shop", "itemId", "market");

