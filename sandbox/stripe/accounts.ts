import { randomId } from "./ids";

/**
 * Restricted-key permissions, named as Stripe names them in its 403 messages
 * (`Having the 'rak_payment_intent_write' permission would allow this request to continue.`).
 * Write implies read, as in the Dashboard. The `rak_shared_payment_granted_token_*` names are this
 * sandbox's guess: Stripe does not document the permission for the preview SPT endpoints.
 */
export const PERMISSIONS = [
  "rak_payment_intent_read",
  "rak_payment_intent_write",
  "rak_refund_read",
  "rak_refund_write",
  "rak_charge_read",
  "rak_shared_payment_granted_token_read",
  "rak_shared_payment_granted_token_write",
  // Stripe asks for this one when a restricted key calls GET /v1/account (stripe/stripe-node#2246);
  // the Dashboard does not offer it for ordinary restricted keys.
  "rak_accounts_kyc_id_numbers_read",
] as const;
export type Permission = (typeof PERMISSIONS)[number];

/** What the app needs to charge delegated tokens and refund them; nothing more. */
export const APP_PERMISSIONS: readonly Permission[] = [
  "rak_payment_intent_write",
  "rak_refund_write",
  "rak_shared_payment_granted_token_read",
];

export const DEMO_ACCOUNT_ID = "acct_sandbox_demo";
export const DEMO_SECRET_KEY = "sk_test_sandbox_demo_0000000000000000";
/** Restricted key with exactly {@link APP_PERMISSIONS}. */
export const DEMO_RESTRICTED_KEY = "rk_test_sandbox_demo_app_00000000000";
/** Restricted key that can read PaymentIntents but not create them: "check the key on entry" must reject it. */
export const DEMO_RESTRICTED_KEY_WITHOUT_PAYMENT_INTENT_WRITE = "rk_test_sandbox_demo_readonly_0000000";

export interface SandboxAccount {
  id: string;
  displayName: string;
  country: string;
  defaultCurrency: string;
  secretKey: string;
}

export interface ApiKey {
  key: string;
  accountId: string;
  /** `null` for a secret key, which may do anything on its account. */
  permissions: ReadonlySet<Permission> | null;
  expired: boolean;
}

export interface CreateAccountOptions {
  id?: string;
  displayName?: string;
  country?: string;
  defaultCurrency?: string;
  secretKey?: string;
}

/** Merchant accounts and their keys. Each account sees only its own objects. */
export class AccountRegistry {
  private readonly byId = new Map<string, SandboxAccount>();
  private readonly keys = new Map<string, ApiKey>();

  constructor(private readonly onCreate: (account: SandboxAccount) => void) {}

  create(options: CreateAccountOptions = {}): SandboxAccount {
    const id = options.id ?? `acct_${randomId(16)}`;
    if (this.byId.has(id)) throw new Error(`Account ${id} already exists`);
    const account: SandboxAccount = {
      id,
      displayName: options.displayName ?? "Sandbox merchant",
      country: options.country ?? "US",
      defaultCurrency: options.defaultCurrency ?? "usd",
      secretKey: options.secretKey ?? `sk_test_${randomId(32)}`,
    };
    this.addKey({ key: account.secretKey, accountId: id, permissions: null, expired: false });
    this.byId.set(id, account);
    this.onCreate(account);
    return account;
  }

  /** Adds a restricted key (`rk_test_…`) limited to `permissions`; returns the key. */
  createRestrictedKey(accountId: string, permissions: readonly Permission[], key?: string): string {
    this.require(accountId);
    const value = key ?? `rk_test_${randomId(32)}`;
    this.addKey({ key: value, accountId, permissions: new Set(permissions), expired: false });
    return value;
  }

  /** Rolls a key: later requests with it get Stripe's 401 `api_key_expired`. */
  expireKey(key: string): void {
    const entry = this.keys.get(key);
    if (!entry) throw new Error(`Unknown key ${key}`);
    entry.expired = true;
  }

  get(id: string): SandboxAccount | undefined {
    return this.byId.get(id);
  }

  require(id: string): SandboxAccount {
    const account = this.byId.get(id);
    if (!account) throw new Error(`No sandbox account ${id}`);
    return account;
  }

  list(): SandboxAccount[] {
    return [...this.byId.values()];
  }

  lookupKey(key: string): ApiKey | undefined {
    return this.keys.get(key);
  }

  private addKey(entry: ApiKey) {
    if (this.keys.has(entry.key)) throw new Error("Duplicate API key");
    this.keys.set(entry.key, entry);
  }
}

/** True when `key` may call an endpoint that needs `needed`; write implies read. */
export function allows(key: ApiKey, needed: Permission): boolean {
  if (key.permissions === null) return true;
  if (key.permissions.has(needed)) return true;
  return needed.endsWith("_read") && key.permissions.has(needed.replace(/_read$/, "_write") as Permission);
}

/** Stripe shows keys in errors with the middle masked: `rk_test_*********qs8Kgd`. */
export function maskKey(key: string): string {
  const prefix = /^(sk|rk|pk)_(test|live)_/.exec(key)?.[0] ?? "";
  const tail = key.slice(-4);
  const hidden = Math.max(key.length - prefix.length - tail.length, 0);
  return `${prefix}${"*".repeat(hidden)}${tail}`;
}
