/**
 * What bots and dialogs need of a logger, so they depend on no channel's logging library. The
 * composition root hands in the process logger (pino's satisfies this), which redacts and tags
 * every line; callers pass codes and ids in `fields`, never what a parent typed.
 *
 * A channel that runs a turn inside an HTTP request hands the turn that request's logger
 * ({@link withTurnLog}), whose lines carry the request id; dialogs log through {@link turnLog}.
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

/**
 * `run`, with `log` handed to each turn it runs (its lines then name the request that carried the
 * turn): what a channel passes its adapter for one request.
 */
export function withTurnLog(log: Log, run: (context: TurnContext) => Promise<void>): (context: TurnContext) => Promise<void> {
  return (context) => {
    context.turnState.set(TURN_LOG, log);
    return run(context);
  };
}

/** This turn's logger: the channel's when it handed one over, otherwise `fallback`. */
export function turnLog(context: TurnContext, fallback: Log): Log;
export function turnLog(context: TurnContext, fallback: Log | undefined): Log | undefined;
export function turnLog(context: TurnContext, fallback: Log | undefined): Log | undefined {
  return context.turnState.get<Log | undefined>(TURN_LOG) ?? fallback;
}
