/**
 * The one application error. Users see a calm localized message (`errors.<code>` in locales/) with
 * the helpline; logs get the code and a correlation id, never personal data.
 */
export type AppErrorCode =
  | 'config_invalid'
  | 'database_unavailable'
  | 'seed_invalid'
  | 'state_conflict'
  | 'not_found'
  | 'forbidden'
  | 'bad_request'
  | 'token_invalid'
  | 'token_expired'
  | 'internal';

export class AppError extends Error {
  readonly code: AppErrorCode;

  constructor(code: AppErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'AppError';
    this.code = code;
  }
}

export function isAppError(error: unknown, code?: AppErrorCode): error is AppError {
  return error instanceof AppError && (code === undefined || error.code === code);
}
