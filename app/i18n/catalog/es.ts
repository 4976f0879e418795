import { translation } from "./types";

export const es = translation({
  "label.items": "Artículos",
  "label.items_discount": "Descuentos en artículos",
  "label.subtotal": "Subtotal",
  "label.order_discount": "Descuento del pedido",
  "label.shipping": "Envío",
  "label.digital_delivery": "Entrega digital",
  "label.tax": "Impuestos",
  "label.total": "Total",
  "label.base_amount": "Importe base",
  "label.discount": "Descuento",
  "label.estimated_total": "Total estimado",

  "line.unknown_item": "Esta tienda no vende ningún artículo con el id «{itemId}».",
  "line.no_longer_available": "«{name}» ya no está disponible.",
  "line.out_of_stock": "«{name}» está agotado.",
  "line.max_per_order": "Se pueden comprar como máximo {max} de «{name}» por pedido.",
  "line.only_left": "«{name}»: solo {available} en stock.",
  "address.country_not_shipped": "Esta tienda no envía a {country}.",
  "address.no_shipping_rate": "La tienda no tiene tarifa de envío para esta dirección.",
  "fulfillment.option_not_offered":
    "La opción de entrega elegida no está disponible para este carrito y esta dirección. Elige una de fulfillment_options.",
  "discount.code_not_applicable": "El código de descuento «{code}» no se puede aplicar a este pedido.",
  "session.expired": "Esta sesión de pago ha caducado. Inicia una nueva.",
  "payment.total_changed":
    "El total ha cambiado desde la última actualización. Revisa la sesión y vuelve a completarla.",
  "payment.declined": "El pago ha sido rechazado. Prueba con otro método de pago.",
  "payment.not_authorized": "El pago no ha sido autorizado.",
  "payment.3ds_not_possible":
    "El emisor de la tarjeta pide 3-D Secure, que no se puede realizar para este pago. Prueba con otro método de pago.",
  "payment.3ds_needs_newer_version":
    "El emisor de la tarjeta pide 3-D Secure, que requiere ACP 2025-12-12 o posterior. Prueba con otro método de pago.",
  "payment.token_unusable": "El token de pago no se puede usar para esta compra ({reason}). {detail}",
  "payment.not_confirmed":
    "El proveedor de pagos no pudo confirmar el pago y no se ha cobrado nada. Vuelve a completar para reintentarlo.",
  "payment.authorization_expired": "La autorización del pago caducó antes del cobro.",
  "order.rejected": "La tienda no aceptó el pedido: {detail}",

  "error.method_not_allowed": "Usa {allow} aquí.",
  "error.invalid_api_key": "Envía una clave de API válida como Authorization: Bearer <key>.",
  "error.version_not_enabled": "La API-Version {version} no está habilitada para este agente.",
  "error.carts_not_in_version":
    "Los carritos no forman parte de la API-Version {version}; usa la API-Version {supported}.",
  "error.idempotency_key_required":
    "Cada {method} necesita una cabecera Idempotency-Key (API-Version 2026-04-17).",
  "error.invalid_idempotency_key": "La Idempotency-Key debe tener de 1 a 255 caracteres.",
  "error.missing_api_version": "Envía la cabecera API-Version.",
  "error.unsupported_api_version": "La API-Version {version} no es compatible.",
  "error.body_not_object": "El cuerpo de la solicitud debe ser un objeto JSON.",
  "error.invalid_json": "El cuerpo de la solicitud no es JSON válido.",
  "error.unsupported_media_type": "Envía Content-Type: application/json.",
  "error.request_too_large": "El cuerpo de la solicitud supera los {max} bytes.",
  "error.store_unavailable":
    "La tienda no está disponible temporalmente. Reintenta con la misma Idempotency-Key.",
  "error.internal": "Se ha producido un error inesperado. Reintenta con la misma Idempotency-Key.",
  "error.session_not_found": "No se encontró la sesión de pago {id}.",
  "error.cart_not_found": "No se encontró el carrito {id}.",
  "error.idempotency_conflict":
    "Esta Idempotency-Key ya se usó con otro cuerpo de solicitud. Usa una clave nueva para una solicitud nueva.",
  "error.idempotency_in_flight":
    "Una solicitud con esta Idempotency-Key aún se está procesando. Reintenta tras el tiempo indicado.",
  "error.idempotency_busy": "La Idempotency-Key está ocupada; reintenta en breve.",
  "error.unsupported_currency": "Esta tienda no vende en {currency}. Monedas admitidas: {supported}.",
  "error.session_already_final": "La sesión de pago {id} ya está {status}.",
  "error.session_not_updatable": "La sesión de pago {id} está {status} y ya no se puede modificar.",
  "error.session_not_completable": "La sesión de pago {id} está {status}.",
  "error.complete_in_progress": "Este pago se está completando; reintenta en breve.",
  "error.not_ready_for_payment": "La sesión de pago no está lista para el pago; resuelve antes sus mensajes.",
  "error.unknown_payment_handler": "Gestor de pago «{sent}» desconocido; usa «{expected}».",
  "error.stripe_provider_only": "Solo se acepta el proveedor stripe.",
  "error.shared_payment_token_required": "Envía un Shared Payment Token de Stripe (spt_…).",
  "error.authentication_result_required":
    "El emisor de la tarjeta exige 3-D Secure: autentica al comprador con el authentication_metadata de la sesión y envía authentication_result.",
  "error.payments_not_configured": "La tienda no puede aceptar pagos en este momento.",
  "error.all_items_unavailable": "Ninguno de los artículos solicitados está disponible ahora.",
  "error.rate_limited_second":
    "Demasiadas solicitudes: como máximo {max} por segundo. Reintenta en {seconds} s.",
  "error.rate_limited_minute":
    "Demasiadas solicitudes: como máximo {max} por minuto. Reintenta en {seconds} s.",
  "error.signature_required": "Este agente debe firmar sus solicitudes: envía Signature y Timestamp.",
  "error.timestamp_invalid": "Timestamp debe ser una fecha y hora RFC 3339.",
  "error.timestamp_skewed": "Timestamp difiere en más de {seconds} segundos del reloj del servidor.",
  "error.signature_mismatch": "Signature no coincide con el JSON canónico del cuerpo de la solicitud.",
  "request.missing_field": "{param} es obligatorio.",
  "request.wrong_type": "{param} debe ser de tipo {expected}, no {actual}.",

  "json.string": "cadena",
  "json.number": "número",
  "json.integer": "entero",
  "json.boolean": "booleano",
  "json.object": "objeto",
  "json.array": "array",
  "json.null": "null",
});
