-- AlterTable
ALTER TABLE "FeedRun" ADD COLUMN     "context" TEXT;

