import type { z } from "zod";

/**
 * What every admin action answers: the change it made, or errors keyed by form field name (shown
 * under the field) plus an optional message for the whole form. Shared by server and pages.
 */
export type ActionResult<T extends object = object> =
  | ({ ok: true; intent: string } & T)
  | { ok: false; intent: string; fieldErrors: Record<string, string>; formError?: string };

export function failure(
  intent: string,
  fieldErrors: Record<string, string>,
  formError?: string,
): Extract<ActionResult, { ok: false }> {
  return { ok: false, intent, fieldErrors, ...(formError ? { formError } : {}) };
}

/** The first message per field of a failed zod parse, keyed by the field's name. */
export function fieldErrorsOf(error: z.ZodError): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const issue of error.issues) {
    const name = issue.path.map(String).join(".") || "form";
    errors[name] ??= issue.message;
  }
  return errors;
}
