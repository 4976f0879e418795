import { translation } from "./types";

export const fr = translation({
  "label.items": "Articles",
  "label.items_discount": "Remises sur les articles",
  "label.subtotal": "Sous-total",
  "label.order_discount": "Remise sur la commande",
  "label.shipping": "Livraison",
  "label.digital_delivery": "Livraison numérique",
  "label.tax": "Taxes",
  "label.total": "Total",
  "label.base_amount": "Montant de base",
  "label.discount": "Remise",
  "label.estimated_total": "Total estimé",

  "line.unknown_item": "Cette boutique ne vend aucun article avec l’identifiant « {itemId} ».",
  "line.no_longer_available": "« {name} » n’est plus disponible.",
  "line.out_of_stock": "« {name} » est en rupture de stock.",
  "line.max_per_order": "« {name} » : {max} au maximum par commande.",
  "line.only_left": "« {name} » : plus que {available} en stock.",
  "address.country_not_shipped": "Cette boutique ne livre pas vers {country}.",
  "address.no_shipping_rate": "La boutique n’a aucun tarif de livraison pour cette adresse.",
  "fulfillment.option_not_offered":
    "L’option de livraison choisie n’est pas proposée pour ce panier et cette adresse. Choisissez-en une dans fulfillment_options.",
  "discount.code_not_applicable":
    "Le code de réduction « {code} » ne peut pas être appliqué à cette commande.",
  "session.expired": "Cette session de paiement a expiré. Commencez-en une nouvelle.",
  "payment.total_changed":
    "Le total a changé depuis la dernière mise à jour. Vérifiez la session et finalisez à nouveau.",
  "payment.declined": "Le paiement a été refusé. Essayez un autre moyen de paiement.",
  "payment.not_authorized": "Le paiement n’a pas été autorisé.",
  "payment.3ds_not_possible":
    "L’émetteur de la carte exige 3-D Secure, impossible pour ce paiement. Essayez un autre moyen de paiement.",
  "payment.3ds_needs_newer_version":
    "L’émetteur de la carte exige 3-D Secure, qui nécessite ACP 2025-12-12 ou une version ultérieure. Essayez un autre moyen de paiement.",
  "payment.token_unusable":
    "Le jeton de paiement ne peut pas être utilisé pour cet achat ({reason}). {detail}",
  "payment.not_confirmed":
    "Le prestataire de paiement n’a pas pu confirmer le paiement et rien n’a été débité. Finalisez à nouveau pour réessayer.",
  "payment.authorization_expired": "L’autorisation de paiement a expiré avant l’encaissement.",
  "order.rejected": "La boutique n’a pas accepté la commande : {detail}",

  "error.method_not_allowed": "Utilisez {allow} ici.",
  "error.invalid_api_key": "Envoyez une clé API valide dans Authorization: Bearer <key>.",
  "error.version_not_enabled": "L’API-Version {version} n’est pas activée pour cet agent.",
  "error.carts_not_in_version":
    "Les paniers ne font pas partie de l’API-Version {version} ; utilisez l’API-Version {supported}.",
  "error.idempotency_key_required":
    "Chaque requête {method} doit porter un en-tête Idempotency-Key (API-Version 2026-04-17).",
  "error.invalid_idempotency_key": "L’Idempotency-Key doit compter de 1 à 255 caractères.",
  "error.missing_api_version": "Envoyez l’en-tête API-Version.",
  "error.unsupported_api_version": "L’API-Version {version} n’est pas prise en charge.",
  "error.body_not_object": "Le corps de la requête doit être un objet JSON.",
  "error.invalid_json": "Le corps de la requête n’est pas un JSON valide.",
  "error.unsupported_media_type": "Envoyez Content-Type: application/json.",
  "error.request_too_large": "Le corps de la requête dépasse {max} octets.",
  "error.store_unavailable":
    "La boutique est temporairement indisponible. Réessayez avec la même Idempotency-Key.",
  "error.internal": "Une erreur inattendue s’est produite. Réessayez avec la même Idempotency-Key.",
  "error.session_not_found": "La session de paiement {id} est introuvable.",
  "error.cart_not_found": "Le panier {id} est introuvable.",
  "error.idempotency_conflict":
    "Cette Idempotency-Key a déjà été utilisée avec un autre corps de requête. Utilisez une nouvelle clé pour une nouvelle requête.",
  "error.idempotency_in_flight":
    "Une requête avec cette Idempotency-Key est encore en cours de traitement. Réessayez après le délai indiqué.",
  "error.idempotency_busy": "L’Idempotency-Key est occupée ; réessayez dans un instant.",
  "error.unsupported_currency": "Cette boutique ne vend pas en {currency}. Devises acceptées : {supported}.",
  "error.session_already_final": "La session de paiement {id} est déjà {status}.",
  "error.session_not_updatable": "La session de paiement {id} est {status} et ne peut plus être modifiée.",
  "error.session_not_completable": "La session de paiement {id} est {status}.",
  "error.complete_in_progress": "Ce paiement est en cours de finalisation ; réessayez dans un instant.",
  "error.not_ready_for_payment":
    "La session n’est pas prête pour le paiement ; résolvez d’abord ses messages.",
  "error.unknown_payment_handler": "Gestionnaire de paiement « {sent} » inconnu ; utilisez « {expected} ».",
  "error.stripe_provider_only": "Seul le prestataire stripe est accepté.",
  "error.shared_payment_token_required": "Envoyez un Shared Payment Token Stripe (spt_…).",
  "error.authentication_result_required":
    "L’émetteur de la carte exige 3-D Secure : authentifiez l’acheteur avec l’authentication_metadata de la session et envoyez authentication_result.",
  "error.payments_not_configured": "La boutique ne peut pas accepter de paiements pour le moment.",
  "error.all_items_unavailable": "Aucun des articles demandés n’est disponible pour le moment.",
  "error.rate_limited_second": "Trop de requêtes : {max} par seconde au maximum. Réessayez dans {seconds} s.",
  "error.rate_limited_minute": "Trop de requêtes : {max} par minute au maximum. Réessayez dans {seconds} s.",
  "error.signature_required": "Cet agent doit signer ses requêtes : envoyez Signature et Timestamp.",
  "error.timestamp_invalid": "Timestamp doit être une date-heure RFC 3339.",
  "error.timestamp_skewed": "Timestamp s’écarte de plus de {seconds} secondes de l’horloge du serveur.",
  "error.signature_mismatch": "Signature ne correspond pas au JSON canonique du corps de la requête.",
  "request.missing_field": "{param} est obligatoire.",
  "request.wrong_type": "{param} doit être de type {expected}, pas {actual}.",

  "json.string": "chaîne",
  "json.number": "nombre",
  "json.integer": "entier",
  "json.boolean": "booléen",
  "json.object": "objet",
  "json.array": "tableau",
  "json.null": "null",
});
