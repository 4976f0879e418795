import { translation } from "./types";

export const nl = translation({
  "label.items": "Artikelen",
  "label.items_discount": "Artikelkortingen",
  "label.subtotal": "Subtotaal",
  "label.order_discount": "Bestelkorting",
  "label.shipping": "Verzending",
  "label.digital_delivery": "Digitale levering",
  "label.tax": "Belasting",
  "label.total": "Totaal",
  "label.base_amount": "Basisbedrag",
  "label.discount": "Korting",
  "label.estimated_total": "Geschat totaal",

  "line.unknown_item": "Deze winkel verkoopt geen artikel met id ‘{itemId}’.",
  "line.no_longer_available": "‘{name}’ is niet meer verkrijgbaar.",
  "line.out_of_stock": "‘{name}’ is uitverkocht.",
  "line.max_per_order": "Van ‘{name}’ kun je maximaal {max} per bestelling kopen.",
  "line.only_left": "‘{name}’: nog maar {available} op voorraad.",
  "address.country_not_shipped": "Deze winkel verzendt niet naar {country}.",
  "address.no_shipping_rate": "De winkel heeft geen verzendtarief voor dit adres.",
  "fulfillment.option_not_offered":
    "De gekozen verzendoptie wordt voor deze winkelwagen en dit adres niet aangeboden. Kies er een uit fulfillment_options.",
  "discount.code_not_applicable": "De kortingscode ‘{code}’ kan niet op deze bestelling worden toegepast.",
  "session.expired": "Deze afrekensessie is verlopen. Begin een nieuwe.",
  "payment.total_changed":
    "Het totaal is sinds de laatste wijziging veranderd. Controleer de sessie en rond opnieuw af.",
  "payment.declined": "De betaling is geweigerd. Probeer een andere betaalmethode.",
  "payment.not_authorized": "De betaling is niet geautoriseerd.",
  "payment.3ds_not_possible":
    "De kaartuitgever vraagt om 3-D Secure, wat voor deze betaling niet kan. Probeer een andere betaalmethode.",
  "payment.3ds_needs_newer_version":
    "De kaartuitgever vraagt om 3-D Secure, waarvoor ACP 2025-12-12 of later nodig is. Probeer een andere betaalmethode.",
  "payment.token_unusable": "Het betaaltoken kan niet voor deze aankoop worden gebruikt ({reason}). {detail}",
  "payment.not_confirmed":
    "De betaalprovider kon de betaling niet bevestigen en er is niets afgeschreven. Rond opnieuw af om het nog eens te proberen.",
  "payment.authorization_expired": "De betaalautorisatie is verlopen voordat het bedrag werd geïnd.",
  "order.rejected": "De winkel heeft de bestelling niet geaccepteerd: {detail}",

  "error.method_not_allowed": "Gebruik hier {allow}.",
  "error.invalid_api_key": "Stuur een geldige API-sleutel als Authorization: Bearer <key>.",
  "error.version_not_enabled": "API-Version {version} is niet ingeschakeld voor deze agent.",
  "error.carts_not_in_version":
    "Winkelwagens horen niet bij API-Version {version}; gebruik API-Version {supported}.",
  "error.idempotency_key_required":
    "Elke {method} heeft een Idempotency-Key-header nodig (API-Version 2026-04-17).",
  "error.invalid_idempotency_key": "Idempotency-Key moet 1 tot 255 tekens lang zijn.",
  "error.missing_api_version": "Stuur de API-Version-header mee.",
  "error.unsupported_api_version": "API-Version {version} wordt niet ondersteund.",
  "error.body_not_object": "De request-body moet een JSON-object zijn.",
  "error.invalid_json": "De request-body is geen geldige JSON.",
  "error.unsupported_media_type": "Stuur Content-Type: application/json.",
  "error.request_too_large": "De request-body is groter dan {max} bytes.",
  "error.store_unavailable":
    "De winkel is tijdelijk niet beschikbaar. Probeer het opnieuw met dezelfde Idempotency-Key.",
  "error.internal":
    "Er is een onverwachte fout opgetreden. Probeer het opnieuw met dezelfde Idempotency-Key.",
  "error.session_not_found": "Afrekensessie {id} is niet gevonden.",
  "error.cart_not_found": "Winkelwagen {id} is niet gevonden.",
  "error.idempotency_conflict":
    "Deze Idempotency-Key is al gebruikt met een andere request-body. Gebruik een nieuwe sleutel voor een nieuw verzoek.",
  "error.idempotency_in_flight":
    "Een verzoek met deze Idempotency-Key wordt nog verwerkt. Probeer het na de aangegeven tijd opnieuw.",
  "error.idempotency_busy": "De Idempotency-Key is bezet; probeer het zo opnieuw.",
  "error.unsupported_currency": "Deze winkel verkoopt niet in {currency}. Ondersteund: {supported}.",
  "error.session_already_final": "Afrekensessie {id} is al {status}.",
  "error.session_not_updatable": "Afrekensessie {id} is {status} en kan niet meer worden gewijzigd.",
  "error.session_not_completable": "Afrekensessie {id} is {status}.",
  "error.complete_in_progress": "Deze afrekening wordt afgerond; probeer het zo opnieuw.",
  "error.not_ready_for_payment":
    "De afrekensessie is nog niet klaar voor betaling; los eerst de meldingen op.",
  "error.unknown_payment_handler": "Onbekende betaalhandler ‘{sent}’; gebruik ‘{expected}’.",
  "error.stripe_provider_only": "Alleen de provider stripe wordt geaccepteerd.",
  "error.shared_payment_token_required": "Stuur een Stripe Shared Payment Token (spt_…).",
  "error.authentication_result_required":
    "De kaartuitgever vereist 3-D Secure: authenticeer de koper met de authentication_metadata van de sessie en stuur authentication_result.",
  "error.payments_not_configured": "De winkel kan op dit moment geen betalingen ontvangen.",
  "error.all_items_unavailable": "Geen van de gevraagde artikelen is op dit moment beschikbaar.",
  "error.rate_limited_second":
    "Te veel verzoeken: maximaal {max} per seconde. Probeer het over {seconds} s opnieuw.",
  "error.rate_limited_minute":
    "Te veel verzoeken: maximaal {max} per minuut. Probeer het over {seconds} s opnieuw.",
  "error.signature_required": "Deze agent moet verzoeken ondertekenen: stuur Signature en Timestamp.",
  "error.timestamp_invalid": "Timestamp moet een RFC 3339-datum met tijd zijn.",
  "error.timestamp_skewed": "Timestamp wijkt meer dan {seconds} seconden af van de serverklok.",
  "error.signature_mismatch": "Signature komt niet overeen met de canonieke JSON van de request-body.",
  "request.missing_field": "{param} is verplicht.",
  "request.wrong_type": "{param} moet van het type {expected} zijn, niet {actual}.",

  "json.string": "tekenreeks",
  "json.number": "getal",
  "json.integer": "geheel getal",
  "json.boolean": "boolean",
  "json.object": "object",
  "json.array": "array",
  "json.null": "null",
});
