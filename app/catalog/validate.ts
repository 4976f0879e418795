import { LIMITS, type FeedItem, type FeedNote, type FeedNoteCode, type FeedSeller } from "./feed-item";

/**
 * Checks feed items against the OpenAI file-upload spec's required fields and limits (the stricter of our
 * two outputs; ACP's Feed API only requires ids and titles) and says what to fix in Shopify.
 *
 * Errors keep an item out of the feed. Warnings mean we left an optional value out or shortened one; the
 * item is still published. Codes are stable: the admin UI and stored feed runs key on them.
 * @see https://developers.openai.com/commerce/specs/file-upload/products (Required / "Max N chars" columns)
 */

export type ProblemCode =
  | "missing_title"
  | "title_too_long"
  | "title_shortened"
  | "missing_description"
  | "description_too_long"
  | "missing_url"
  | "invalid_url"
  | "missing_image"
  | "invalid_image_url"
  | "missing_price"
  | "invalid_price"
  | "missing_brand"
  | "brand_too_long"
  | "item_id_too_long"
  | "group_id_too_long"
  | "missing_target_country"
  | "missing_seller_name"
  | "seller_name_too_long"
  | "missing_seller_url"
  | "missing_return_policy"
  | "missing_seller_policy"
  | "missing_store_country"
  | "invalid_gtin"
  | "mpn_too_long"
  | "material_too_long"
  | "color_too_long"
  | "size_too_long"
  | "invalid_age_group"
  | "invalid_gender"
  | "invalid_condition"
  | "invalid_size_system"
  | "gift_card_checkout_disabled";

export type Severity = "error" | "warning";

export interface FeedProblem {
  code: ProblemCode;
  severity: Severity;
  /** The `FeedItem` field concerned. */
  field: keyof FeedItem;
  /** For the merchant: what is wrong and where in Shopify to fix it. */
  message: string;
}

export interface ValidationResult {
  /** Items to publish (they may still carry warnings). */
  valid: FeedItem[];
  /** Items left out, with every problem found (errors and warnings). */
  invalid: { item: FeedItem; problems: FeedProblem[] }[];
  /** Valid items that carry warnings. */
  warnings: { item: FeedItem; problems: FeedProblem[] }[];
}

const PRODUCTS = "Shopify admin → Products";
const POLICIES = "Shopify admin → Settings → Policies";

/** How each mapper note is reported. */
const NOTE_PROBLEMS: Record<
  FeedNoteCode,
  { code: ProblemCode; severity: Severity; message: (item: FeedItem, note: FeedNote) => string }
> = {
  barcode_not_gtin: {
    code: "invalid_gtin",
    severity: "warning",
    message: (item, note) =>
      `Barcode "${note.value}" of "${item.title}" is not a valid GTIN (UPC, EAN or ISBN with a correct check ` +
      `digit), so it was left out. If it should be one, correct the variant's Barcode in ${PRODUCTS}.`,
  },
  gtin_invalid: {
    code: "invalid_gtin",
    severity: "warning",
    message: (item, note) =>
      `The GTIN metafield of "${item.groupTitle}" ("${note.value}") is not a valid GTIN (8, 12, 13 or 14 ` +
      `digits with a correct check digit), so it was left out. Correct the metafield in ${PRODUCTS}.`,
  },
  mpn_too_long: {
    code: "mpn_too_long",
    severity: "warning",
    message: (item, note) =>
      `SKU "${note.value}" of "${item.title}" is longer than ${LIMITS.mpn} characters, so it was not sent as ` +
      `the part number (MPN). Shorten the SKU in ${PRODUCTS} if you want it included.`,
  },
  material_too_long: {
    code: "material_too_long",
    severity: "warning",
    message: (item) =>
      `The material of "${item.groupTitle}" is longer than ${LIMITS.material} characters, so it was left out. ` +
      `Shorten the material metafield in ${PRODUCTS}.`,
  },
  color_too_long: {
    code: "color_too_long",
    severity: "warning",
    message: (item, note) =>
      `Colour "${note.value}" of "${item.title}" is longer than ${LIMITS.color} characters, so it was left out. ` +
      `Shorten the option value in ${PRODUCTS}.`,
  },
  size_too_long: {
    code: "size_too_long",
    severity: "warning",
    message: (item, note) =>
      `Size "${note.value}" of "${item.title}" is longer than ${LIMITS.size} characters, so it was left out. ` +
      `Shorten the option value in ${PRODUCTS}.`,
  },
  age_group_invalid: {
    code: "invalid_age_group",
    severity: "warning",
    message: (item, note) =>
      `Age group "${note.value}" of "${item.groupTitle}" is not one of newborn, infant, toddler, kids, adult, ` +
      `so it was left out. Correct the metafield in ${PRODUCTS}.`,
  },
  gender_invalid: {
    code: "invalid_gender",
    severity: "warning",
    message: (item, note) =>
      `Gender "${note.value}" of "${item.groupTitle}" is not one of male, female, unisex, so it was left out. ` +
      `Correct the metafield in ${PRODUCTS}.`,
  },
  condition_invalid: {
    code: "invalid_condition",
    severity: "warning",
    message: (item, note) =>
      `Condition "${note.value}" of "${item.groupTitle}" is not one of new, refurbished, used; "new" was sent. ` +
      `Correct the metafield in ${PRODUCTS}.`,
  },
  size_system_invalid: {
    code: "invalid_size_system",
    severity: "warning",
    message: (item, note) =>
      `Size system "${note.value}" of "${item.groupTitle}" is not a two-letter country code (like US or EU), ` +
      `so it was left out. Correct the metafield in ${PRODUCTS}.`,
  },
  price_invalid: {
    code: "invalid_price",
    severity: "error",
    message: (item, note) =>
      `The price "${note.value}" of "${item.title}" could not be read. Re-enter the price in ${PRODUCTS}.`,
  },
  market_price_missing: {
    code: "missing_price",
    severity: "error",
    message: (item, note) =>
      `"${item.title}" has no ${note.value} price for the "${item.market.handle}" market. Check the market's ` +
      `prices in Shopify admin → Markets, or stop publishing that market in the feed settings.`,
  },
  description_truncated: {
    code: "description_too_long",
    severity: "warning",
    message: (item, note) =>
      `The description of "${item.groupTitle}" is ${note.value} characters; the feed allows ` +
      `${LIMITS.description}, so it was cut. Shorten it in ${PRODUCTS} to choose where it ends.`,
  },
  title_shortened: {
    code: "title_shortened",
    severity: "warning",
    message: (item) =>
      `"${item.groupTitle}" plus the variant name is longer than ${LIMITS.title} characters, so the product ` +
      `name was shortened to "${item.title}". Shorten the product title in ${PRODUCTS} to choose the wording.`,
  },
  gift_card_checkout_disabled: {
    code: "gift_card_checkout_disabled",
    severity: "warning",
    message: (item) =>
      `"${item.groupTitle}" is a gift card: agents can show it but not sell it, because agent checkout ` +
      `cannot issue gift cards.`,
  },
};

function problem(code: ProblemCode, field: keyof FeedItem, message: string): FeedProblem {
  return { code, severity: "error", field, message };
}

function isHttpUrl(value: string): boolean {
  return (value.startsWith("https://") || value.startsWith("http://")) && URL.canParse(value);
}

function isCountryCode(value: string): boolean {
  if (value.length !== 2) return false;
  const a = value.charCodeAt(0);
  const b = value.charCodeAt(1);
  return a >= 65 && a <= 90 && b >= 65 && b <= 90;
}

// Seller facts are one object per shop: check them once, not once per item.
const sellerProblems = new WeakMap<FeedSeller, FeedProblem[]>();
const checkoutProblems = new WeakMap<FeedSeller, FeedProblem[]>();

function checkSeller(seller: FeedSeller): FeedProblem[] {
  let problems = sellerProblems.get(seller);
  if (problems) return problems;
  problems = [];
  if (!seller.name) {
    problems.push(
      problem(
        "missing_seller_name",
        "seller",
        "Your store has no name. Set it in Shopify admin → Settings → General.",
      ),
    );
  } else if (seller.name.length > LIMITS.sellerName) {
    problems.push(
      problem(
        "seller_name_too_long",
        "seller",
        `Your store name is ${seller.name.length} characters; the feed allows ${LIMITS.sellerName}. ` +
          "Shorten it in Shopify admin → Settings → General.",
      ),
    );
  }
  if (!seller.url || !isHttpUrl(seller.url)) {
    problems.push(
      problem(
        "missing_seller_url",
        "seller",
        "Your store has no usable web address. Check the primary domain in Shopify admin → Settings → Domains.",
      ),
    );
  }
  if (!seller.refundPolicyUrl || !isHttpUrl(seller.refundPolicyUrl)) {
    problems.push(
      problem(
        "missing_return_policy",
        "seller",
        `Your store has no refund policy, and the feed requires a return policy link. Add one in ${POLICIES}.`,
      ),
    );
  }
  if (!isCountryCode(seller.storeCountry)) {
    problems.push(
      problem(
        "missing_store_country",
        "seller",
        "Your store address has no country. Set it in Shopify admin → Settings → General → Store details.",
      ),
    );
  }
  sellerProblems.set(seller, problems);
  return problems;
}

function checkCheckoutPolicies(seller: FeedSeller): FeedProblem[] {
  let problems = checkoutProblems.get(seller);
  if (problems) return problems;
  const missing: string[] = [];
  if (!seller.privacyPolicyUrl || !isHttpUrl(seller.privacyPolicyUrl)) missing.push("privacy policy");
  if (!seller.termsOfServiceUrl || !isHttpUrl(seller.termsOfServiceUrl)) missing.push("terms of service");
  problems =
    missing.length === 0
      ? []
      : [
          problem(
            "missing_seller_policy",
            "isEligibleCheckout",
            `Selling through AI agents needs a ${missing.join(" and a ")}. Add ${
              missing.length > 1 ? "them" : "it"
            } in ${POLICIES}, or turn off agent checkout in the feed settings.`,
          ),
        ];
  checkoutProblems.set(seller, problems);
  return problems;
}

/** Every problem with one item, errors first, in a stable order. */
export function validateItem(item: FeedItem): FeedProblem[] {
  const problems: FeedProblem[] = [];
  const label = item.title || item.groupTitle || `variant ${item.id}`;

  if (item.id.length > LIMITS.itemId) {
    problems.push(
      problem("item_id_too_long", "id", `Variant id ${item.id} is longer than ${LIMITS.itemId}.`),
    );
  }
  if (item.groupId.length > LIMITS.groupId) {
    problems.push(
      problem("group_id_too_long", "groupId", `Product id ${item.groupId} is longer than ${LIMITS.groupId}.`),
    );
  }
  if (!item.title) {
    problems.push(
      problem("missing_title", "title", `Product ${item.groupId} has no title. Add one in ${PRODUCTS}.`),
    );
  } else if (item.title.length > LIMITS.title) {
    problems.push(
      problem(
        "title_too_long",
        "title",
        `The title of "${item.groupTitle}" is ${item.title.length} characters with the variant name; the feed ` +
          `allows ${LIMITS.title}. Shorten the product title in ${PRODUCTS}.`,
      ),
    );
  }
  if (!item.description) {
    problems.push(
      problem(
        "missing_description",
        "description",
        `"${item.groupTitle}" has no description. Add one in ${PRODUCTS}.`,
      ),
    );
  } else if (item.description.length > LIMITS.description) {
    problems.push(
      problem(
        "description_too_long",
        "description",
        `The description of "${item.groupTitle}" is longer than ${LIMITS.description} characters. Shorten it in ${PRODUCTS}.`,
      ),
    );
  }
  if (!item.url) {
    problems.push(
      problem(
        "missing_url",
        "url",
        `"${item.groupTitle}" has no product page: make it available on the Online Store sales channel in ${PRODUCTS}.`,
      ),
    );
  } else if (!isHttpUrl(item.url)) {
    problems.push(
      problem(
        "invalid_url",
        "url",
        `The product page address of "${item.groupTitle}" (${item.url}) is not a web URL. Check the primary domain in ` +
          "Shopify admin → Settings → Domains.",
      ),
    );
  }
  if (item.images.length === 0) {
    problems.push(
      problem(
        "missing_image",
        "images",
        `"${label}" has no image. Add a product or variant image in ${PRODUCTS}.`,
      ),
    );
  } else if (!isHttpUrl(item.images[0].url)) {
    problems.push(
      problem(
        "invalid_image_url",
        "images",
        `The main image of "${label}" is not a web URL. Re-upload it in ${PRODUCTS}.`,
      ),
    );
  }
  if (!item.price && !item.notes.some((n) => n.field === "price")) {
    problems.push(problem("missing_price", "price", `"${label}" has no price. Set one in ${PRODUCTS}.`));
  }
  if (!item.brand) {
    problems.push(
      problem(
        "missing_brand",
        "brand",
        `"${item.groupTitle}" has no vendor, which the feed uses as the brand. Set Vendor in ${PRODUCTS}.`,
      ),
    );
  } else if (item.brand.length > LIMITS.brand) {
    problems.push(
      problem(
        "brand_too_long",
        "brand",
        `Brand "${item.brand}" of "${item.groupTitle}" is ${item.brand.length} characters; the feed allows ` +
          `${LIMITS.brand}. Shorten the Vendor in ${PRODUCTS}.`,
      ),
    );
  }
  if (item.market.countries.length === 0 || !item.market.countries.every(isCountryCode)) {
    problems.push(
      problem(
        "missing_target_country",
        "market",
        `The "${item.market.handle}" market has no valid countries. Check it in Shopify admin → Markets.`,
      ),
    );
  }
  for (const p of checkSeller(item.seller)) problems.push(p);
  if (item.isEligibleCheckout) for (const p of checkCheckoutPolicies(item.seller)) problems.push(p);

  for (const note of item.notes) {
    const spec = NOTE_PROBLEMS[note.code];
    problems.push({
      code: spec.code,
      severity: spec.severity,
      field: note.field,
      message: spec.message(item, note),
    });
  }
  // Errors first so the UI can show the blocking reason at the top.
  return problems.some((p) => p.severity === "warning") && problems.some((p) => p.severity === "error")
    ? [...problems.filter((p) => p.severity === "error"), ...problems.filter((p) => p.severity === "warning")]
    : problems;
}

/** Splits items into publishable and not, with each item's problems. */
export function validate(items: Iterable<FeedItem>): ValidationResult {
  const result: ValidationResult = { valid: [], invalid: [], warnings: [] };
  for (const item of items) {
    const problems = validateItem(item);
    if (problems.length === 0) {
      result.valid.push(item);
    } else if (problems.some((p) => p.severity === "error")) {
      result.invalid.push({ item, problems });
    } else {
      result.valid.push(item);
      result.warnings.push({ item, problems });
    }
  }
  return result;
}
