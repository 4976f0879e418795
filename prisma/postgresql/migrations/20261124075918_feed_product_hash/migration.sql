-- AlterTable
ALTER TABLE "FeedProduct" ADD COLUMN     "contentHash" TEXT NOT NULL DEFAULT '';

