/**
 * What bots and dialogs need of a logger, so they depend on no channel's logging library. The
 * composition root hands in the process logger (pino's satisfies this), which redacts and tags
 * every line; callers pass codes and ids in `fields`, never what a parent typed.
 */
export interface Log {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}
