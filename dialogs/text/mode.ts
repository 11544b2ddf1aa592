/**
 * How the current turn's replies must be written, decided by the bot (which holds the
 * conversation's TTY flag and language) and read by the channel adapters when they render. A
 * per-turn view in `turnState`, so channels never read bot state themselves.
 */
import type { TurnContext } from 'botbuilder';
import type { Locale } from '../../locales/i18n.js';

export interface TextTurn {
  /** Replies go to a TTY (directly or through a relay): Baudot characters, uppercase, "GA". */
  readonly tty: boolean;
  /** The language of the turn, for the renderer's own words ("Reply 1 for…", "MORE"). */
  readonly locale: () => Locale;
}

const TEXT_TURN_KEY = Symbol('TextTurn');

export function setTextTurn(context: TurnContext, turn: TextTurn): void {
  context.turnState.set(TEXT_TURN_KEY, turn);
}

/** What the bot decided, or a default read from the activity itself (TTY numbers mark it). */
export function textTurnOf(context: TurnContext): TextTurn {
  const set = context.turnState.get<TextTurn | undefined>(TEXT_TURN_KEY);
  if (set !== undefined) return set;
  return { tty: channelDataTty(context.activity.channelData), locale: () => 'en' };
}

/** The SMS channel marks a message that arrived at a TTY number with `channelData.tty`. */
export function channelDataTty(channelData: unknown): boolean {
  return typeof channelData === 'object' && channelData !== null && (channelData as { tty?: unknown }).tty === true;
}

/** Twilio SMS turns carry this channel id. */
export const SMS_CHANNEL_ID = 'sms';

/**
 * A turn that can only carry typed text: SMS, or any channel in TTY mode. Such a conversation
 * cannot be relied on to open a link, so it verifies by SSN and PIN in the chat.
 */
export function isTextOnly(context: TurnContext): boolean {
  return context.activity.channelId === SMS_CHANNEL_ID || textTurnOf(context).tty;
}

const SIGN_OFF_KEY = Symbol('TtySignOff');

/** The parent ended a TTY conversation ("SK"): the dialogs close it instead of answering. */
export function markSignOff(context: TurnContext): void {
  context.turnState.set(SIGN_OFF_KEY, true);
}

export function isSignOff(context: TurnContext): boolean {
  return context.turnState.get<boolean | undefined>(SIGN_OFF_KEY) === true;
}
