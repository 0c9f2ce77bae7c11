/**
 * The one rule for what counts as a secret in output meant for people (`config show`,
 * `GET /api/v1/config`, `config get`): values under secret-looking names, and the password of
 * any URL. Pure, so the config views and the API share it.
 */

/** Shown instead of a secret. */
export const REDACTED = '<redacted>';

/**
 * Names that hold a secret: anything mentioning a secret, password or credential
 * (`AWS_SECRET_ACCESS_KEY`, `DB_PASSWORD_HASH`), or ending in a token, an API key, `_KEY` /
 * `-KEY` (`STRIPE_KEY`, `private-key`), an authorization or a cookie. A bare `key` is not one
 * (`server.tls.key` is a file path), nor is `AWS_ACCESS_KEY_ID` (an identifier).
 */
const SECRET_NAME = /(secret|password|passwd|credential)|(token|api[_-]?key|[_-]key|authorization|cookie)$/i;
/** Config keys that name the environment variable holding a secret (`token_env`), not the secret. */
const NAMES_A_VARIABLE = /_env$/i;

/** Whether a value stored under `name` (one key, not a dotted path) is a secret. */
export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name) && !NAMES_A_VARIABLE.test(name);
}

/**
 * `scheme://user:password@host` → `scheme://user:<redacted>@host`, anywhere in a text. The
 * password runs to the last `@` before the path, so one holding an `@` is masked whole.
 */
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/?#:@]*:)[^\s/?#]*?@(?=[^\s/?#@]*(?:[\s/?#]|$))/gi;

export function maskUrlPasswords(text: string): string {
  return text.replace(URL_PASSWORD, `$1${REDACTED}@`);
}

/**
 * A deep copy fit to show: values under secret names replaced, URL passwords masked in every
 * string, keys kept (so a user sees that the secret is set). `name` is the key `value` is under.
 */
export function redactSecrets<T>(value: T, name = ''): T {
  if (name !== '' && isSecretName(name) && value !== null && value !== undefined) return REDACTED as T;
  if (typeof value === 'string') return maskUrlPasswords(value) as T;
  if (Array.isArray(value)) return value.map((v) => redactSecrets(v)) as T;
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype)
    return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = redactSecrets(v, k);
  return out as T;
}
