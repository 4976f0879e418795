-- CreateIndex
CREATE INDEX "FeedProduct_shop_market_productId_contentHash_idx" ON "FeedProduct"("shop", "market", "productId", "contentHash");

