/**
 * What bots and dialogs need of a logger, so they depend on no channel's logging library. The
 * composition root hands in the process logger (pino's satisfies this), which redacts and tags
 * every line; callers pass codes and ids in `fields`, never what a parent typed.
 *
 * A channel that runs a turn inside an HTTP request hands the turn that request's logger
 * ({@link useTurnLog}), whose lines carry the request id; dialogs log through {@link turnLog}.
 * An explicit hand-over, not an AsyncLocalStorage: on Node 20 that puts a hook on every promise,
 * and a turn makes hundreds of them (a tenth of a turn's CPU).
 */
import type { TurnContext } from 'botbuilder';

export interface Log {
  debug(fields: object, message?: string): void;
  info(fields: object, message?: string): void;
  warn(fields: object, message?: string): void;
  error(fields: object, message?: string): void;
}

const TURN_LOG = Symbol('turnLog');

/** The channel's logger for this turn (its lines name the request that carried the turn). */
export function useTurnLog(context: TurnContext, log: Log): void {
  context.turnState.set(TURN_LOG, log);
}

/** This turn's logger: the channel's when it handed one over, otherwise `fallback`. */
export function turnLog(context: TurnContext, fallback: Log): Log;
export function turnLog(context: TurnContext, fallback: Log | undefined): Log | undefined;
export function turnLog(context: TurnContext, fallback: Log | undefined): Log | undefined {
  return context.turnState.get<Log | undefined>(TURN_LOG) ?? fallback;
}
