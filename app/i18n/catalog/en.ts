/**
 * The English texts: the reference catalog and the fallback. Every other language must have the
 * same keys with the same `{placeholders}` (checked by the compiler in ./index.ts and by
 * catalog.test.ts). Keep texts short and free of plural forms: parameters are numbers or names,
 * so a phrasing that needs no plural works in every language.
 */
export const en = {
  // totals[].display_text and fulfillment labels the app itself writes
  "label.items": "Items",
  "label.items_discount": "Item discounts",
  "label.subtotal": "Subtotal",
  "label.order_discount": "Order discount",
  "label.shipping": "Shipping",
  "label.digital_delivery": "Digital delivery",
  "label.tax": "Tax",
  "label.total": "Total",
  "label.base_amount": "Base amount",
  "label.discount": "Discount",
  "label.estimated_total": "Estimated total",

  // session and cart messages[]
  "line.unknown_item": 'This store does not sell an item with id "{itemId}".',
  "line.no_longer_available": '"{name}" is no longer available.',
  "line.out_of_stock": '"{name}" is out of stock.',
  "line.max_per_order": 'At most {max} of "{name}" can be bought in one order.',
  "line.only_left": 'Only {available} of "{name}" left in stock.',
  "address.country_not_shipped": "This store does not ship to {country}.",
  "address.no_shipping_rate": "The store has no shipping rate for this address.",
  "fulfillment.option_not_offered":
    "The selected fulfillment option is not offered for this cart and address. Choose one of fulfillment_options.",
  "discount.code_not_applicable": 'The discount code "{code}" cannot be applied to this order.',
  "session.expired": "This checkout session has expired. Start a new one.",
  "payment.total_changed": "The total changed since the last update. Review the session and complete again.",
  "payment.declined": "The payment was declined. Try another payment method.",
  "payment.not_authorized": "The payment was not authorized.",
  "payment.3ds_not_possible":
    "The card issuer asks for 3-D Secure, which cannot be run for this payment. Try another payment method.",
  "payment.3ds_needs_newer_version":
    "The card issuer asks for 3-D Secure, which needs ACP 2025-12-12 or later. Try another payment method.",
  "payment.token_unusable": "The payment token cannot be used for this purchase ({reason}). {detail}",
  "payment.not_confirmed":
    "The payment provider could not confirm the payment and nothing was charged. Complete again to retry.",
  "payment.authorization_expired": "The payment authorization expired before capture.",
  "order.rejected": "The store did not accept the order: {detail}",

  // Error.message of the flat ACP Error
  "error.method_not_allowed": "Use {allow} here.",
  "error.invalid_api_key": "Send a valid API key as Authorization: Bearer <key>.",
  "error.version_not_enabled": "API-Version {version} is not enabled for this agent.",
  "error.carts_not_in_version": "Carts are not part of API-Version {version}; use API-Version {supported}.",
  "error.idempotency_key_required":
    "Every {method} needs an Idempotency-Key header (API-Version 2026-04-17).",
  "error.invalid_idempotency_key": "Idempotency-Key must be 1 to 255 characters.",
  "error.missing_api_version": "Send the API-Version header.",
  "error.unsupported_api_version": "API-Version {version} is not supported.",
  "error.body_not_object": "The request body must be a JSON object.",
  "error.invalid_json": "The request body is not valid JSON.",
  "error.unsupported_media_type": "Send Content-Type: application/json.",
  "error.request_too_large": "The request body exceeds {max} bytes.",
  "error.store_unavailable": "The store is temporarily unavailable. Retry with the same Idempotency-Key.",
  "error.internal": "An unexpected error occurred. Retry with the same Idempotency-Key.",
  "error.session_not_found": "Checkout session {id} was not found.",
  "error.cart_not_found": "Cart {id} was not found.",
  "error.idempotency_conflict":
    "This Idempotency-Key was already used with a different request body. Use a new key for a new request.",
  "error.idempotency_in_flight":
    "A request with this Idempotency-Key is still being processed. Retry after the indicated time.",
  "error.idempotency_busy": "The Idempotency-Key is busy; retry shortly.",
  "error.unsupported_currency": "This store does not sell in {currency}. Supported: {supported}.",
  "error.session_already_final": "Checkout session {id} is already {status}.",
  "error.session_not_updatable": "Checkout session {id} is {status} and can no longer be updated.",
  "error.session_not_completable": "Checkout session {id} is {status}.",
  "error.complete_in_progress": "This checkout is being completed; retry shortly.",
  "error.not_ready_for_payment": "The checkout session is not ready for payment; resolve its messages first.",
  "error.unknown_payment_handler": 'Unknown payment handler "{sent}"; use "{expected}".',
  "error.stripe_provider_only": "Only the stripe provider is accepted.",
  "error.shared_payment_token_required": "Send a Stripe Shared Payment Token (spt_…).",
  "error.authentication_result_required":
    "The card issuer requires 3-D Secure: authenticate the buyer with the session's authentication_metadata and send authentication_result.",
  "error.payments_not_configured": "The store cannot take payments right now.",
  "error.all_items_unavailable": "All requested items are currently unavailable.",
  "error.rate_limited_second": "Too many requests: at most {max} per second. Retry after {seconds} s.",
  "error.rate_limited_minute": "Too many requests: at most {max} per minute. Retry after {seconds} s.",
  "error.signature_required": "This agent must sign requests: send Signature and Timestamp.",
  "error.timestamp_invalid": "Timestamp must be an RFC 3339 date-time.",
  "error.timestamp_skewed": "Timestamp is more than {seconds} seconds from the server's clock.",
  "error.signature_mismatch": "Signature does not match the canonical JSON of the request body.",
  "request.missing_field": "{param} is required.",
  "request.wrong_type": "{param} must be {expected}, not {actual}.",

  // JSON types, the {expected}/{actual} of request.wrong_type
  "json.string": "a string",
  "json.number": "a number",
  "json.integer": "an integer",
  "json.boolean": "a boolean",
  "json.object": "an object",
  "json.array": "an array",
  "json.null": "null",
} as const;
