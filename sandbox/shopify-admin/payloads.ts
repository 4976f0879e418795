import { legacyId } from "./connection";
import { restTime } from "./format";
import {
  availableQuantity,
  type BulkOperation,
  type InventoryItem,
  type Product,
  type ShopState,
} from "./store";

/**
 * Webhook payloads in Shopify's REST shape (numeric ids, snake_case, `admin_graphql_api_id`,
 * shop-time-zone timestamps), as sent for API version 2026-04. Apps should re-read objects by
 * GID rather than trust these, but handlers parse them, so the shape matters.
 */

export function productPayload(shop: ShopState, product: Product) {
  const time = (value: string | null) => restTime(value, shop.ianaTimezone);
  const id = legacyId(product.id);
  const images = product.images.map((image, index) => ({
    id: legacyId(image.id),
    alt: image.altText,
    position: index + 1,
    product_id: id,
    created_at: time(product.createdAt),
    updated_at: time(product.updatedAt),
    admin_graphql_api_id: image.id,
    width: image.width,
    height: image.height,
    src: image.url,
    variant_ids: product.variants
      .filter((variant) => variant.imageId === image.id)
      .map((variant) => legacyId(variant.id)),
  }));
  return {
    admin_graphql_api_id: product.id,
    body_html: product.descriptionHtml,
    created_at: time(product.createdAt),
    handle: product.handle,
    id,
    product_type: product.productType,
    published_at: time(product.publishedAt),
    template_suffix: null,
    title: product.title,
    updated_at: time(product.updatedAt),
    vendor: product.vendor,
    status: product.status.toLowerCase(),
    published_scope: "global",
    tags: [...product.tags].sort((a, b) => a.localeCompare(b)).join(", "),
    variants: product.variants.map((variant) => {
      const option = (index: number) =>
        variant.selectedOptions.find((selected) => selected.name === product.options[index]?.name)?.value ??
        null;
      const quantity = availableQuantity(shop, variant.inventoryItem);
      return {
        admin_graphql_api_id: variant.id,
        barcode: variant.barcode,
        compare_at_price: variant.compareAtPrice,
        created_at: time(variant.createdAt),
        id: legacyId(variant.id),
        inventory_policy: variant.inventoryPolicy.toLowerCase(),
        position: variant.position,
        price: variant.price,
        product_id: id,
        sku: variant.sku ?? "",
        taxable: variant.taxable,
        title: variant.title,
        updated_at: time(variant.updatedAt),
        option1: option(0),
        option2: option(1),
        option3: option(2),
        image_id: variant.imageId ? legacyId(variant.imageId) : null,
        inventory_item_id: legacyId(variant.inventoryItem.id),
        inventory_quantity: quantity,
        old_inventory_quantity: quantity,
      };
    }),
    options: product.options.map((option) => ({
      name: option.name,
      id: legacyId(option.id),
      product_id: id,
      position: option.position,
      values: option.values,
    })),
    images,
    image: images[0] ?? null,
    media: product.images.map((image, index) => ({
      id: legacyId(image.id),
      product_id: id,
      position: index + 1,
      created_at: time(product.createdAt),
      updated_at: time(product.updatedAt),
      alt: image.altText,
      status: "READY",
      media_content_type: "IMAGE",
      preview_image: { width: image.width, height: image.height, src: image.url, status: "READY" },
      variant_ids: images[index].variant_ids,
      admin_graphql_api_id: image.id.replace("/ProductImage/", "/MediaImage/"),
    })),
    variant_gids: product.variants.map((variant) => ({
      admin_graphql_api_id: variant.id,
      updated_at: new Date(variant.updatedAt).toISOString(),
    })),
    has_variants_that_requires_components: false,
    category: product.category
      ? {
          admin_graphql_api_id: product.category.id,
          name: product.category.fullName.split(" > ").pop(),
          full_name: product.category.fullName,
        }
      : null,
  };
}

export function productDeletePayload(product: Product) {
  return { id: legacyId(product.id) };
}

export function inventoryLevelPayload(shop: ShopState, item: InventoryItem, locationId: string) {
  const level = item.levels.find((candidate) => candidate.locationId === locationId);
  return {
    inventory_item_id: legacyId(item.id),
    location_id: legacyId(locationId),
    available: level?.available ?? null,
    updated_at: restTime(level?.updatedAt ?? null, shop.ianaTimezone),
    admin_graphql_api_id: `gid://shopify/InventoryLevel/${legacyId(locationId)}?inventory_item_id=${legacyId(item.id)}`,
  };
}

export function shopPayload(shop: ShopState) {
  const address = shop.address ?? {};
  return {
    id: legacyId(shop.id),
    name: shop.name,
    email: shop.email,
    domain: new URL(shop.primaryDomainUrl).host,
    province: address.provinceCode ?? null,
    country: address.countryCode ?? null,
    address1: address.address1 ?? null,
    zip: address.zip ?? null,
    city: address.city ?? null,
    phone: address.phone ?? null,
    created_at: restTime("2024-01-01T00:00:00Z", shop.ianaTimezone),
    updated_at: restTime("2024-01-01T00:00:00Z", shop.ianaTimezone),
    country_code: address.countryCode ?? null,
    currency: shop.currencyCode,
    customer_email: shop.email,
    timezone: shop.ianaTimezone,
    iana_timezone: shop.ianaTimezone,
    shop_owner: shop.name,
    weight_unit: { KILOGRAMS: "kg", GRAMS: "g", POUNDS: "lb", OUNCES: "oz" }[shop.weightUnit],
    province_code: address.provinceCode ?? null,
    taxes_included: shop.taxesIncluded,
    myshopify_domain: shop.domain,
    plan_name: shop.plan.partnerDevelopment ? "partner_test" : "basic",
    enabled_presentment_currencies: shop.enabledPresentmentCurrencies,
  };
}

export function bulkOperationFinishPayload(operation: BulkOperation) {
  return {
    admin_graphql_api_id: operation.id,
    completed_at: operation.completedAt,
    created_at: operation.createdAt,
    error_code: operation.errorCode?.toLowerCase() ?? null,
    status: operation.status.toLowerCase(),
    type: operation.type.toLowerCase(),
  };
}
