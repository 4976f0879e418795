import { translation } from "./types";

export const de = translation({
  "label.items": "Artikel",
  "label.items_discount": "Artikelrabatte",
  "label.subtotal": "Zwischensumme",
  "label.order_discount": "Bestellrabatt",
  "label.shipping": "Versand",
  "label.digital_delivery": "Digitale Lieferung",
  "label.tax": "Steuern",
  "label.total": "Gesamt",
  "label.base_amount": "Grundbetrag",
  "label.discount": "Rabatt",
  "label.estimated_total": "Geschätzte Summe",

  "line.unknown_item": "Dieser Shop verkauft keinen Artikel mit der ID „{itemId}“.",
  "line.no_longer_available": "„{name}“ ist nicht mehr erhältlich.",
  "line.out_of_stock": "„{name}“ ist ausverkauft.",
  "line.max_per_order": "Von „{name}“ können höchstens {max} Stück pro Bestellung gekauft werden.",
  "line.only_left": "„{name}“: nur noch {available} Stück vorrätig.",
  "address.country_not_shipped": "Dieser Shop liefert nicht nach {country}.",
  "address.no_shipping_rate": "Für diese Adresse hat der Shop keinen Versandtarif.",
  "fulfillment.option_not_offered":
    "Die gewählte Versandoption ist für diesen Warenkorb und diese Adresse nicht verfügbar. Wählen Sie eine aus fulfillment_options.",
  "discount.code_not_applicable":
    "Der Rabattcode „{code}“ kann auf diese Bestellung nicht angewendet werden.",
  "session.expired": "Diese Checkout-Sitzung ist abgelaufen. Starten Sie eine neue.",
  "payment.total_changed":
    "Der Gesamtbetrag hat sich seit der letzten Aktualisierung geändert. Prüfen Sie die Sitzung und schließen Sie erneut ab.",
  "payment.declined": "Die Zahlung wurde abgelehnt. Versuchen Sie eine andere Zahlungsmethode.",
  "payment.not_authorized": "Die Zahlung wurde nicht autorisiert.",
  "payment.3ds_not_possible":
    "Der Kartenherausgeber verlangt 3-D Secure, was für diese Zahlung nicht möglich ist. Versuchen Sie eine andere Zahlungsmethode.",
  "payment.3ds_needs_newer_version":
    "Der Kartenherausgeber verlangt 3-D Secure, wofür ACP 2025-12-12 oder neuer nötig ist. Versuchen Sie eine andere Zahlungsmethode.",
  "payment.token_unusable":
    "Das Zahlungstoken kann für diesen Kauf nicht verwendet werden ({reason}). {detail}",
  "payment.not_confirmed":
    "Der Zahlungsanbieter konnte die Zahlung nicht bestätigen; es wurde nichts belastet. Schließen Sie erneut ab, um es noch einmal zu versuchen.",
  "payment.authorization_expired": "Die Zahlungsautorisierung ist vor dem Einzug abgelaufen.",
  "order.rejected": "Der Shop hat die Bestellung nicht angenommen: {detail}",

  "error.method_not_allowed": "Verwenden Sie hier {allow}.",
  "error.invalid_api_key": "Senden Sie einen gültigen API-Schlüssel als Authorization: Bearer <key>.",
  "error.version_not_enabled": "API-Version {version} ist für diesen Agenten nicht freigeschaltet.",
  "error.carts_not_in_version":
    "Warenkörbe gehören nicht zu API-Version {version}; verwenden Sie API-Version {supported}.",
  "error.idempotency_key_required":
    "Jeder {method}-Request braucht einen Idempotency-Key-Header (API-Version 2026-04-17).",
  "error.invalid_idempotency_key": "Der Idempotency-Key muss 1 bis 255 Zeichen lang sein.",
  "error.missing_api_version": "Senden Sie den API-Version-Header.",
  "error.unsupported_api_version": "API-Version {version} wird nicht unterstützt.",
  "error.body_not_object": "Der Request-Body muss ein JSON-Objekt sein.",
  "error.invalid_json": "Der Request-Body ist kein gültiges JSON.",
  "error.unsupported_media_type": "Senden Sie Content-Type: application/json.",
  "error.request_too_large": "Der Request-Body ist größer als {max} Bytes.",
  "error.store_unavailable":
    "Der Shop ist vorübergehend nicht erreichbar. Wiederholen Sie die Anfrage mit demselben Idempotency-Key.",
  "error.internal":
    "Ein unerwarteter Fehler ist aufgetreten. Wiederholen Sie die Anfrage mit demselben Idempotency-Key.",
  "error.session_not_found": "Checkout-Sitzung {id} wurde nicht gefunden.",
  "error.cart_not_found": "Warenkorb {id} wurde nicht gefunden.",
  "error.idempotency_conflict":
    "Dieser Idempotency-Key wurde bereits mit einem anderen Request-Body verwendet. Verwenden Sie für eine neue Anfrage einen neuen Schlüssel.",
  "error.idempotency_in_flight":
    "Eine Anfrage mit diesem Idempotency-Key wird noch bearbeitet. Wiederholen Sie sie nach der angegebenen Zeit.",
  "error.idempotency_busy": "Der Idempotency-Key ist belegt; versuchen Sie es gleich noch einmal.",
  "error.unsupported_currency": "Dieser Shop verkauft nicht in {currency}. Unterstützt: {supported}.",
  "error.session_already_final": "Checkout-Sitzung {id} ist bereits {status}.",
  "error.session_not_updatable": "Checkout-Sitzung {id} ist {status} und kann nicht mehr geändert werden.",
  "error.session_not_completable": "Checkout-Sitzung {id} ist {status}.",
  "error.complete_in_progress":
    "Dieser Checkout wird gerade abgeschlossen; versuchen Sie es gleich noch einmal.",
  "error.not_ready_for_payment":
    "Die Checkout-Sitzung ist noch nicht zahlungsbereit; klären Sie zuerst ihre Meldungen.",
  "error.unknown_payment_handler": "Unbekannter Zahlungs-Handler „{sent}“; verwenden Sie „{expected}“.",
  "error.stripe_provider_only": "Nur der Anbieter stripe wird akzeptiert.",
  "error.shared_payment_token_required": "Senden Sie ein Stripe Shared Payment Token (spt_…).",
  "error.authentication_result_required":
    "Der Kartenherausgeber verlangt 3-D Secure: Authentifizieren Sie den Käufer mit den authentication_metadata der Sitzung und senden Sie authentication_result.",
  "error.payments_not_configured": "Der Shop kann gerade keine Zahlungen annehmen.",
  "error.all_items_unavailable": "Keiner der angefragten Artikel ist derzeit erhältlich.",
  "error.rate_limited_second":
    "Zu viele Anfragen: höchstens {max} pro Sekunde. Versuchen Sie es nach {seconds} s erneut.",
  "error.rate_limited_minute":
    "Zu viele Anfragen: höchstens {max} pro Minute. Versuchen Sie es nach {seconds} s erneut.",
  "error.signature_required": "Dieser Agent muss Anfragen signieren: Senden Sie Signature und Timestamp.",
  "error.timestamp_invalid": "Timestamp muss ein Zeitpunkt nach RFC 3339 sein.",
  "error.timestamp_skewed": "Timestamp weicht um mehr als {seconds} Sekunden von der Serveruhr ab.",
  "error.signature_mismatch": "Signature passt nicht zum kanonischen JSON des Request-Bodys.",
  "request.missing_field": "{param} ist erforderlich.",
  "request.wrong_type": "{param} muss vom Typ {expected} sein, nicht {actual}.",

  "json.string": "Zeichenkette",
  "json.number": "Zahl",
  "json.integer": "ganze Zahl",
  "json.boolean": "Boolean",
  "json.object": "Objekt",
  "json.array": "Array",
  "json.null": "null",
});
