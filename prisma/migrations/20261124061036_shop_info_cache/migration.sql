-- AlterTable
ALTER TABLE "Shop" ADD COLUMN "info" TEXT;
ALTER TABLE "Shop" ADD COLUMN "infoFetchedAt" DATETIME;

