/** Liveness: the process serves HTTP. No dependencies checked (see /readyz). */
export const loader = () => Response.json({ status: "ok" }, { headers: { "Cache-Control": "no-store" } });
