import { translation } from "./types";

export const ja = translation({
  "label.items": "商品",
  "label.items_discount": "商品割引",
  "label.subtotal": "小計",
  "label.order_discount": "注文割引",
  "label.shipping": "配送料",
  "label.digital_delivery": "デジタル配送",
  "label.tax": "税",
  "label.total": "合計",
  "label.base_amount": "基本金額",
  "label.discount": "割引",
  "label.estimated_total": "合計（見積もり）",

  "line.unknown_item": "このストアではID「{itemId}」の商品を販売していません。",
  "line.no_longer_available": "「{name}」は現在販売されていません。",
  "line.out_of_stock": "「{name}」は在庫切れです。",
  "line.max_per_order": "「{name}」は1回の注文につき{max}点までです。",
  "line.only_left": "「{name}」の在庫は残り{available}点です。",
  "address.country_not_shipped": "このストアは{country}への配送を行っていません。",
  "address.no_shipping_rate": "この住所に対応する配送料金がありません。",
  "fulfillment.option_not_offered":
    "選択された配送オプションは、このカートと住所では利用できません。fulfillment_options から選択してください。",
  "discount.code_not_applicable": "割引コード「{code}」はこの注文には適用できません。",
  "session.expired": "このチェックアウトセッションは期限切れです。新しいセッションを開始してください。",
  "payment.total_changed":
    "前回の更新以降に合計金額が変わりました。セッションを確認して、もう一度完了してください。",
  "payment.declined": "お支払いが拒否されました。別のお支払い方法をお試しください。",
  "payment.not_authorized": "お支払いは承認されませんでした。",
  "payment.3ds_not_possible":
    "カード発行会社が3Dセキュアを求めていますが、このお支払いでは実行できません。別のお支払い方法をお試しください。",
  "payment.3ds_needs_newer_version":
    "カード発行会社が3Dセキュアを求めていますが、ACP 2025-12-12以降が必要です。別のお支払い方法をお試しください。",
  "payment.token_unusable": "この決済トークンはこの購入に使用できません（{reason}）。{detail}",
  "payment.not_confirmed":
    "決済代行会社がお支払いを確認できなかったため、請求は行われていません。もう一度完了してお試しください。",
  "payment.authorization_expired": "売上確定の前に支払いの承認が期限切れになりました。",
  "order.rejected": "ストアが注文を受け付けませんでした: {detail}",

  "error.method_not_allowed": "ここでは {allow} を使用してください。",
  "error.invalid_api_key": "有効なAPIキーを Authorization: Bearer <key> で送信してください。",
  "error.version_not_enabled": "API-Version {version} はこのエージェントでは有効になっていません。",
  "error.carts_not_in_version":
    "カートは API-Version {version} に含まれていません。API-Version {supported} を使用してください。",
  "error.idempotency_key_required":
    "{method} リクエストには Idempotency-Key ヘッダーが必要です（API-Version 2026-04-17）。",
  "error.invalid_idempotency_key": "Idempotency-Key は1～255文字にしてください。",
  "error.missing_api_version": "API-Version ヘッダーを送信してください。",
  "error.unsupported_api_version": "API-Version {version} はサポートされていません。",
  "error.body_not_object": "リクエスト本文はJSONオブジェクトである必要があります。",
  "error.invalid_json": "リクエスト本文が有効なJSONではありません。",
  "error.unsupported_media_type": "Content-Type: application/json を送信してください。",
  "error.request_too_large": "リクエスト本文が{max}バイトを超えています。",
  "error.store_unavailable": "ストアは一時的に利用できません。同じ Idempotency-Key で再試行してください。",
  "error.internal": "予期しないエラーが発生しました。同じ Idempotency-Key で再試行してください。",
  "error.session_not_found": "チェックアウトセッション {id} が見つかりません。",
  "error.cart_not_found": "カート {id} が見つかりません。",
  "error.idempotency_conflict":
    "この Idempotency-Key は別のリクエスト本文で使用済みです。新しいリクエストには新しいキーを使用してください。",
  "error.idempotency_in_flight":
    "この Idempotency-Key のリクエストはまだ処理中です。指定された時間が経過してから再試行してください。",
  "error.idempotency_busy": "この Idempotency-Key は使用中です。しばらくしてから再試行してください。",
  "error.unsupported_currency": "このストアは{currency}で販売していません。対応通貨: {supported}。",
  "error.session_already_final": "チェックアウトセッション {id} はすでに {status} です。",
  "error.session_not_updatable": "チェックアウトセッション {id} は {status} のため、変更できません。",
  "error.session_not_completable": "チェックアウトセッション {id} は {status} です。",
  "error.complete_in_progress": "このチェックアウトは完了処理中です。しばらくしてから再試行してください。",
  "error.not_ready_for_payment":
    "チェックアウトセッションはまだ支払いできる状態ではありません。先にメッセージの問題を解決してください。",
  "error.unknown_payment_handler": "不明な決済ハンドラー「{sent}」です。「{expected}」を使用してください。",
  "error.stripe_provider_only": "受け付けるプロバイダーは stripe のみです。",
  "error.shared_payment_token_required": "Stripe の Shared Payment Token（spt_…）を送信してください。",
  "error.authentication_result_required":
    "カード発行会社が3Dセキュアを求めています。セッションの authentication_metadata で購入者を認証し、authentication_result を送信してください。",
  "error.payments_not_configured": "このストアは現在お支払いを受け付けられません。",
  "error.all_items_unavailable": "リクエストされた商品はいずれも現在購入できません。",
  "error.rate_limited_second":
    "リクエストが多すぎます。1秒あたり最大{max}件です。{seconds}秒後に再試行してください。",
  "error.rate_limited_minute":
    "リクエストが多すぎます。1分あたり最大{max}件です。{seconds}秒後に再試行してください。",
  "error.signature_required":
    "このエージェントはリクエストに署名する必要があります。Signature と Timestamp を送信してください。",
  "error.timestamp_invalid": "Timestamp は RFC 3339 形式の日時にしてください。",
  "error.timestamp_skewed": "Timestamp がサーバーの時刻と{seconds}秒以上ずれています。",
  "error.signature_mismatch": "Signature がリクエスト本文の正規化JSONと一致しません。",
  "request.missing_field": "{param} は必須です。",
  "request.wrong_type": "{param} は{expected}である必要があります（{actual}ではありません）。",

  "json.string": "文字列",
  "json.number": "数値",
  "json.integer": "整数",
  "json.boolean": "真偽値",
  "json.object": "オブジェクト",
  "json.array": "配列",
  "json.null": "null",
});
