// The production HTTP server: the Remix build behind Express, on HOST:PORT (127.0.0.1:3000 by
// default). Kept small; request handling lives in app/.
import { createRequestHandler } from "@remix-run/express";
import express from "express";

const host = process.env.HOST || "127.0.0.1";
const port = Number(process.env.PORT || 3000);
const mode = process.env.NODE_ENV || "production";

const build = await import("./build/server/index.js");
const app = express();
app.disable("x-powered-by");
// Fingerprinted assets never change; everything else in build/client may.
app.use("/assets", express.static("build/client/assets", { immutable: true, maxAge: "1y" }));
app.use(express.static("build/client", { maxAge: "1h" }));
app.all("*", createRequestHandler({ build, mode }));

// Background work (agent webhooks, completion recovery, purges) is claimed through the database,
// so every instance may run the worker; JOB_WORKER=0 keeps an instance web-only.
if (process.env.JOB_WORKER !== "0") {
  await build.entry.module.startJobWorker({ pollMs: Number(process.env.JOB_POLL_MS || 1000) });
}

const server = app.listen(port, host, () => {
  console.log(JSON.stringify({ level: "info", msg: "server.listening", url: `http://${host}:${port}`, mode }));
});

// Finish in-flight requests on SIGTERM so a rolling deploy drops nothing.
for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    setTimeout(() => process.exit(0), 10_000).unref();
  });
}
