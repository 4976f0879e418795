/**
 * The flat ACP `Error` ({type, code, message, param?, supported_versions?}), used only when no
 * session can be returned (auth, version, malformed request, unknown id). Business problems are
 * session messages instead. This is the one place that picks a status for an error.
 */
export type AcpErrorType = "invalid_request" | "processing_error" | "service_unavailable";

export class AcpError extends Error {
  constructor(
    readonly status: number,
    readonly type: AcpErrorType,
    readonly code: string,
    message: string,
    readonly param: string | null = null,
    readonly extra: {
      supportedVersions?: readonly string[];
      retryAfterSeconds?: number;
      allow?: string;
    } = {},
  ) {
    super(message);
  }

  toBody(): Record<string, unknown> {
    return {
      type: this.type,
      code: this.code,
      message: this.message,
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

export const notFound = (what: string) =>
  new AcpError(404, "invalid_request", "not_found", `${what} was not found.`);

export const unavailable = (message: string, retryAfterSeconds = 2) =>
  new AcpError(503, "service_unavailable", "upstream_unavailable", message, null, { retryAfterSeconds });
