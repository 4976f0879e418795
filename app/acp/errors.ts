/**
 * The flat ACP `Error` ({type, code, message, param?, supported_versions?}), used only when no
 * session can be returned (auth, version, malformed request, unknown id). Business problems are
 * session messages instead. This is the one place that picks a status for an error.
 */
import { localized, renderInEnglish, type RenderText, type Text } from "../i18n/catalog";

export type AcpErrorType = "invalid_request" | "processing_error" | "service_unavailable";

export interface AcpErrorExtra {
  supportedVersions?: readonly string[];
  retryAfterSeconds?: number;
  allow?: string;
}

export class AcpError extends Error {
  constructor(
    readonly status: number,
    readonly type: AcpErrorType,
    readonly code: string,
    /** Rendered per response language (ADR 015); `message` is the English rendering, for logs. */
    readonly text: Text,
    readonly param: string | null = null,
    readonly extra: AcpErrorExtra = {},
  ) {
    super(renderInEnglish(text));
  }

  toBody(render: RenderText = renderInEnglish): Record<string, unknown> {
    return {
      type: this.type,
      code: this.code,
      message: render(this.text),
      ...(this.param ? { param: this.param } : {}),
      ...(this.extra.supportedVersions ? { supported_versions: [...this.extra.supportedVersions] } : {}),
    };
  }

  headers(): Record<string, string> {
    const headers: Record<string, string> = {};
    if (this.extra.retryAfterSeconds !== undefined)
      headers["Retry-After"] = String(this.extra.retryAfterSeconds);
    if (this.extra.allow) headers["Allow"] = this.extra.allow;
    if (this.status === 401) headers["WWW-Authenticate"] = 'Bearer realm="acp"';
    return headers;
  }
}

export const sessionNotFound = (id: string) =>
  new AcpError(404, "invalid_request", "not_found", localized("error.session_not_found", { id }));

export const cartNotFound = (id: string) =>
  new AcpError(404, "invalid_request", "not_found", localized("error.cart_not_found", { id }));
