/**
 * Error classes with stable codes. Every expected failure in Flotilla is a FlotillaError;
 * anything else reaching the CLI or API boundary is a bug. The code → exit status / HTTP status
 * mapping lives here, once, so the CLI and the API agree.
 */

/** Stable, documented error codes. Never rename one: scripts match on them. */
export const ERROR_CODES = {
  INVALID_INPUT: { exit: 2, http: 400 },
  INVALID_ID: { exit: 2, http: 400 },
  INVALID_STATUS: { exit: 2, http: 400 },
  INVALID_BRANCH: { exit: 2, http: 400 },
  CONFIG_INVALID: { exit: 5, http: 400 },
  NOT_FOUND: { exit: 3, http: 404 },
  AMBIGUOUS_ID: { exit: 2, http: 409 },
  CONFLICT: { exit: 4, http: 409 },
  DEPENDENCY_CYCLE: { exit: 4, http: 409 },
  /** A dialog is open on the agent's screen: the action would have answered it. */
  DIALOG_OPEN: { exit: 4, http: 409 },
  /** The screen stopped matching what a screen action expected; nothing more was sent. */
  DIALOG_CHANGED: { exit: 4, http: 409 },
  NOT_A_GIT_REPO: { exit: 6, http: 400 },
  REPO_NOT_REGISTERED: { exit: 6, http: 400 },
  TOOL_MISSING: { exit: 6, http: 500 },
  STATE_DIR_UNWRITABLE: { exit: 6, http: 500 },
  DB_TOO_NEW: { exit: 6, http: 500 },
  DB_ERROR: { exit: 6, http: 500 },
  DAEMON_UNREACHABLE: { exit: 7, http: 503 },
  PROCESS_FAILED: { exit: 1, http: 500 },
  TIMEOUT: { exit: 1, http: 504 },
  /** A task's dependencies are not all done (`--force` starts it anyway). */
  BLOCKED: { exit: 4, http: 409 },
  /** `limits.max_concurrent` agents are live already. */
  LIMIT_REACHED: { exit: 4, http: 409 },
  UNAUTHORIZED: { exit: 8, http: 401 },
  FORBIDDEN: { exit: 8, http: 403 },
  RATE_LIMITED: { exit: 1, http: 429 },
  CANCELLED: { exit: 130, http: 499 },
  INTERNAL: { exit: 70, http: 500 },
} as const satisfies Record<string, { exit: number; http: number }>;

export type ErrorCode = keyof typeof ERROR_CODES;

/** One problem inside an input, located by its key path (e.g. `limits.max_concurrent`). */
export interface ErrorIssue {
  path: string;
  message: string;
}

export interface FlotillaErrorOptions {
  /** What to do about it, shown on its own line ("run: apt-get install tmux"). */
  hint?: string;
  issues?: ErrorIssue[];
  cause?: unknown;
}

/** Base class of every expected failure. `message` says what was wrong; `hint` says how to fix it. */
export class FlotillaError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly issues: ErrorIssue[];

  constructor(code: ErrorCode, message: string, options: FlotillaErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'FlotillaError';
    this.code = code;
    this.hint = options.hint;
    this.issues = options.issues ?? [];
  }

  get exitCode(): number {
    return ERROR_CODES[this.code].exit;
  }

  get httpStatus(): number {
    return ERROR_CODES[this.code].http;
  }

  /** The JSON error body shared by the API and `--json` CLI output. */
  toJSON(): { code: ErrorCode; message: string; hint?: string; issues: ErrorIssue[] } {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint === undefined ? {} : { hint: this.hint }),
      issues: this.issues,
    };
  }
}

export const isFlotillaError = (err: unknown): err is FlotillaError => err instanceof FlotillaError;

export class NotFoundError extends FlotillaError {
  constructor(what: string, id: string, hint?: string) {
    super('NOT_FOUND', `${what} '${id}' not found`, hint === undefined ? {} : { hint });
  }
}

export class InvalidInputError extends FlotillaError {
  constructor(message: string, options: FlotillaErrorOptions = {}) {
    super('INVALID_INPUT', message, options);
  }
}
