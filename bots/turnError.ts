/**
 * Last line of defence for a failed turn: the parent gets a calm message with the helpline, the log
 * gets a code and a correlation id (never what was typed), and the conversation starts clean.
 */
import { randomUUID } from 'node:crypto';
import type { ConversationState, TurnContext } from 'botbuilder';
import { redactText } from '../db/sensitive.js';
import { turnLog, type Log } from '../dialogs/log.js';
import { DialogContextError } from '../dialogs/framework.js';
import { isAppError, type AppErrorCode } from '../db/errors.js';
import { sessionOf } from '../dialogs/language/turnLanguage.js';
import { sayIn } from '../dialogs/messages.js';

export interface TurnErrorHandlerDeps {
  conversationState: ConversationState;
  logger: Log;
}

export type TurnErrorHandler = (context: TurnContext, error: Error) => Promise<void>;

/**
 * Dialogs wrap what a step threw in a DialogContextError (whose dialog stack may hold personal
 * data, so it is never logged); the code we care about is on the error underneath.
 */
function rootCause(error: Error): { code: AppErrorCode; root: Error } {
  let current: unknown = error;
  for (let depth = 0; depth < 8; depth += 1) {
    if (isAppError(current)) return { code: current.code, root: current };
    const next: unknown =
      current instanceof DialogContextError ? current.error : current instanceof Error ? current.cause : undefined;
    if (!(next instanceof Error)) break;
    current = next;
  }
  return { code: 'internal', root: current instanceof Error ? current : error };
}

export function createTurnErrorHandler({ conversationState, logger: processLogger }: TurnErrorHandlerDeps): TurnErrorHandler {
  return async (context, error) => {
    const logger = turnLog(context, processLogger);
    const correlationId = randomUUID();
    const { code, root } = rootCause(error);
    logger.error(
      {
        code,
        correlationId,
        channelId: context.activity.channelId,
        activityType: context.activity.type,
        // An error message can quote input (a parser's, say): scrub SSN and PIN shapes.
        error: { name: root.name, stack: redactText(root.stack ?? root.message) },
      },
      'turn failed',
    );
    let unsent: unknown;
    try {
      await context.sendActivity(sayIn(sessionOf(context).locale())('errors.generic'));
    } catch (sendError) {
      unsent = sendError;
      logger.error({ code: isAppError(sendError) ? sendError.code : 'internal', correlationId }, 'could not tell the user about the failed turn');
    }
    // Silence would leave the parent waiting: when the database could not even take the calm
    // answer, the channel answers its own failure instead (Direct Line a 503 that Web Chat shows as
    // "send failed, retry"), without first waiting on the same outage to clear the state. Other
    // channels' delivery failures stay logged here.
    if (isAppError(unsent, 'database_unavailable')) throw unsent;
    try {
      await conversationState.delete(context);
    } catch {
      logger.error({ code: 'state_conflict', correlationId }, 'could not clear conversation state');
    }
  };
}
