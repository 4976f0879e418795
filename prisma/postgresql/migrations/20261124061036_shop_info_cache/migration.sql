-- AlterTable
ALTER TABLE "Shop" ADD COLUMN     "info" TEXT,
ADD COLUMN     "infoFetchedAt" TIMESTAMP(3);

