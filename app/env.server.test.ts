import { describe, expect, it } from "vitest";
import { InvalidEnvironmentError, parseEnv } from "./env.server";

const valid = {
  SHOPIFY_API_KEY: "key",
  SHOPIFY_API_SECRET: "secret",
  SHOPIFY_APP_URL: "https://app.example.com",
  APP_ENCRYPTION_KEYS: "k1:" + Buffer.alloc(32, 1).toString("base64"),
};

describe("parseEnv", () => {
  it("accepts a complete production environment and fills defaults", () => {
    const env = parseEnv(valid);
    expect(env.DATABASE_URL).toBe("file:./prisma/dev.sqlite");
    expect(env.ACP_SANDBOX).toBe(false);
    expect(env.NODE_ENV).toBe("production");
  });

  it("names every missing or invalid variable and what it is for", () => {
    let message = "";
    try {
      parseEnv({ SHOPIFY_APP_URL: "not a url" });
    } catch (error) {
      expect(error).toBeInstanceOf(InvalidEnvironmentError);
      message = (error as Error).message;
    }
    expect(message).toContain("SHOPIFY_API_KEY: missing (the app's client id from the Partner Dashboard)");
    expect(message).toContain("SHOPIFY_API_SECRET: missing");
    expect(message).toMatch(/SHOPIFY_APP_URL: .*\(public https URL of this app/);
    expect(message).toContain("APP_ENCRYPTION_KEYS: required in production");
  });

  it("rejects a malformed encryption key list", () => {
    expect(() => parseEnv({ ...valid, APP_ENCRYPTION_KEYS: "k1:tooshort" })).toThrow(/APP_ENCRYPTION_KEYS/);
  });

  it("requires the sandbox store URL in sandbox mode", () => {
    expect(() => parseEnv({ ...valid, NODE_ENV: "test", ACP_SANDBOX: "1" })).toThrow(
      /SANDBOX_SHOPIFY_URL: required when ACP_SANDBOX=1/,
    );
  });

  it("refuses sandbox mode in production or towards another host", () => {
    expect(() =>
      parseEnv({ ...valid, ACP_SANDBOX: "1", SANDBOX_SHOPIFY_URL: "http://127.0.0.1:4100" }),
    ).toThrow(/ACP_SANDBOX: sandbox mode cannot run with NODE_ENV=production/);
    expect(() =>
      parseEnv({
        ...valid,
        NODE_ENV: "development",
        ACP_SANDBOX: "1",
        SANDBOX_SHOPIFY_URL: "https://shopify.com",
      }),
    ).toThrow(/SANDBOX_SHOPIFY_URL: must point at this machine/);
    const sandboxed = parseEnv({
      ...valid,
      NODE_ENV: "test",
      ACP_SANDBOX: "1",
      SANDBOX_SHOPIFY_URL: "http://127.0.0.1:4100",
    });
    expect(sandboxed.ACP_SANDBOX).toBe(true);
  });
});
