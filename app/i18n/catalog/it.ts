import { translation } from "./types";

export const it = translation({
  "label.items": "Articoli",
  "label.items_discount": "Sconti sugli articoli",
  "label.subtotal": "Subtotale",
  "label.order_discount": "Sconto sull’ordine",
  "label.shipping": "Spedizione",
  "label.digital_delivery": "Consegna digitale",
  "label.tax": "Imposte",
  "label.total": "Totale",
  "label.base_amount": "Importo base",
  "label.discount": "Sconto",
  "label.estimated_total": "Totale stimato",

  "line.unknown_item": "Questo negozio non vende alcun articolo con id «{itemId}».",
  "line.no_longer_available": "«{name}» non è più disponibile.",
  "line.out_of_stock": "«{name}» è esaurito.",
  "line.max_per_order": "Si possono acquistare al massimo {max} di «{name}» per ordine.",
  "line.only_left": "«{name}»: solo {available} in magazzino.",
  "address.country_not_shipped": "Questo negozio non spedisce in {country}.",
  "address.no_shipping_rate": "Il negozio non ha tariffe di spedizione per questo indirizzo.",
  "fulfillment.option_not_offered":
    "L’opzione di consegna scelta non è disponibile per questo carrello e questo indirizzo. Scegline una tra fulfillment_options.",
  "discount.code_not_applicable": "Il codice sconto «{code}» non può essere applicato a questo ordine.",
  "session.expired": "Questa sessione di pagamento è scaduta. Avviane una nuova.",
  "payment.total_changed":
    "Il totale è cambiato dall’ultimo aggiornamento. Controlla la sessione e completa di nuovo.",
  "payment.declined": "Il pagamento è stato rifiutato. Prova un altro metodo di pagamento.",
  "payment.not_authorized": "Il pagamento non è stato autorizzato.",
  "payment.3ds_not_possible":
    "L’emittente della carta richiede 3-D Secure, che non è possibile per questo pagamento. Prova un altro metodo di pagamento.",
  "payment.3ds_needs_newer_version":
    "L’emittente della carta richiede 3-D Secure, per cui serve ACP 2025-12-12 o successiva. Prova un altro metodo di pagamento.",
  "payment.token_unusable":
    "Il token di pagamento non può essere usato per questo acquisto ({reason}). {detail}",
  "payment.not_confirmed":
    "Il fornitore di pagamenti non ha potuto confermare il pagamento e non è stato addebitato nulla. Completa di nuovo per riprovare.",
  "payment.authorization_expired": "L’autorizzazione del pagamento è scaduta prima dell’incasso.",
  "order.rejected": "Il negozio non ha accettato l’ordine: {detail}",

  "error.method_not_allowed": "Usa {allow} qui.",
  "error.invalid_api_key": "Invia una chiave API valida come Authorization: Bearer <key>.",
  "error.version_not_enabled": "L’API-Version {version} non è abilitata per questo agente.",
  "error.carts_not_in_version":
    "I carrelli non fanno parte dell’API-Version {version}; usa l’API-Version {supported}.",
  "error.idempotency_key_required":
    "Ogni {method} richiede un header Idempotency-Key (API-Version 2026-04-17).",
  "error.invalid_idempotency_key": "L’Idempotency-Key deve avere da 1 a 255 caratteri.",
  "error.missing_api_version": "Invia l’header API-Version.",
  "error.unsupported_api_version": "L’API-Version {version} non è supportata.",
  "error.body_not_object": "Il corpo della richiesta deve essere un oggetto JSON.",
  "error.invalid_json": "Il corpo della richiesta non è JSON valido.",
  "error.unsupported_media_type": "Invia Content-Type: application/json.",
  "error.request_too_large": "Il corpo della richiesta supera {max} byte.",
  "error.store_unavailable":
    "Il negozio è temporaneamente non disponibile. Riprova con la stessa Idempotency-Key.",
  "error.internal": "Si è verificato un errore imprevisto. Riprova con la stessa Idempotency-Key.",
  "error.session_not_found": "Sessione di pagamento {id} non trovata.",
  "error.cart_not_found": "Carrello {id} non trovato.",
  "error.idempotency_conflict":
    "Questa Idempotency-Key è già stata usata con un altro corpo della richiesta. Usa una nuova chiave per una nuova richiesta.",
  "error.idempotency_in_flight":
    "Una richiesta con questa Idempotency-Key è ancora in elaborazione. Riprova dopo il tempo indicato.",
  "error.idempotency_busy": "L’Idempotency-Key è occupata; riprova tra poco.",
  "error.unsupported_currency": "Questo negozio non vende in {currency}. Valute supportate: {supported}.",
  "error.session_already_final": "La sessione di pagamento {id} è già {status}.",
  "error.session_not_updatable": "La sessione di pagamento {id} è {status} e non può più essere modificata.",
  "error.session_not_completable": "La sessione di pagamento {id} è {status}.",
  "error.complete_in_progress": "Il pagamento è in fase di completamento; riprova tra poco.",
  "error.not_ready_for_payment": "La sessione non è pronta per il pagamento; risolvi prima i suoi messaggi.",
  "error.unknown_payment_handler": "Gestore di pagamento «{sent}» sconosciuto; usa «{expected}».",
  "error.stripe_provider_only": "È accettato solo il fornitore stripe.",
  "error.shared_payment_token_required": "Invia uno Shared Payment Token di Stripe (spt_…).",
  "error.authentication_result_required":
    "L’emittente della carta richiede 3-D Secure: autentica l’acquirente con l’authentication_metadata della sessione e invia authentication_result.",
  "error.payments_not_configured": "Il negozio non può accettare pagamenti al momento.",
  "error.all_items_unavailable": "Nessuno degli articoli richiesti è al momento disponibile.",
  "error.rate_limited_second": "Troppe richieste: al massimo {max} al secondo. Riprova tra {seconds} s.",
  "error.rate_limited_minute": "Troppe richieste: al massimo {max} al minuto. Riprova tra {seconds} s.",
  "error.signature_required": "Questo agente deve firmare le richieste: invia Signature e Timestamp.",
  "error.timestamp_invalid": "Timestamp deve essere una data e ora RFC 3339.",
  "error.timestamp_skewed": "Timestamp si discosta di oltre {seconds} secondi dall’orologio del server.",
  "error.signature_mismatch": "Signature non corrisponde al JSON canonico del corpo della richiesta.",
  "request.missing_field": "{param} è obbligatorio.",
  "request.wrong_type": "{param} deve essere di tipo {expected}, non {actual}.",

  "json.string": "stringa",
  "json.number": "numero",
  "json.integer": "intero",
  "json.boolean": "booleano",
  "json.object": "oggetto",
  "json.array": "array",
  "json.null": "null",
});
