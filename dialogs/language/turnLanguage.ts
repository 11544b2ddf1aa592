/**
 * Which language a turn is answered in, decided in one place: a language the parent chose (by
 * naming it, or on the web page) wins for the rest of the conversation; otherwise the channel's
 * locale for this activity; otherwise English.
 */
import { ActivityTypes, type Activity, type TurnContext } from 'botbuilder';
import { resolveLocale, type Locale } from '../../locales/i18n.js';
import { sayIn } from '../messages.js';
import { textTurnOf } from '../text/mode.js';

export function resolveTurnLocale(chosen: Locale | undefined, activityLocale: string | undefined): Locale {
  return chosen ?? resolveLocale(activityLocale);
}

/** Name of the event the web page listens to, to switch its own texts. */
export const LANGUAGE_CHANGED_EVENT = 'languageChanged';
/** Name of the event the web page sends when the parent picks a language there. */
export const SET_LANGUAGE_EVENT = 'setLanguage';

export function languageChangedEvent(locale: Locale): Partial<Activity> {
  return { type: 'event', name: LANGUAGE_CHANGED_EVENT, value: locale };
}

/**
 * Remembers the choice, confirms in the new language, and tells the web page so it can switch its
 * own texts. Used for a typed choice ("中文") and for the page's picker alike.
 */
export async function announceLanguage(context: TurnContext, locale: Locale): Promise<void> {
  const session = sessionOf(context);
  await session.chooseLanguage(locale);
  const answering = session.locale();
  if (answering !== locale && textTurnOf(context).tty) {
    // A Baudot TTY shows neither Chinese nor accents, so TTY mode stays in English: say so in
    // English rather than promise a language (or send a line the TTY cannot show at all).
    await context.sendActivity(sayIn(answering)('tty.english_only'));
    return;
  }
  await context.sendActivities([
    { type: ActivityTypes.Message, text: sayIn(locale)('language.changed') },
    languageChangedEvent(locale),
  ]);
}

/**
 * Per-turn view of the conversation that dialogs need but must not own: the bot holds the state
 * accessors and hands this in through `turnState`, so dialogs stay free of storage.
 */
export interface ConversationSession {
  /** The language to answer in; changes mid-turn when the parent picks another. */
  locale(): Locale;
  /** Remembers an explicit choice for the rest of the conversation. */
  chooseLanguage(locale: Locale): Promise<void>;
  /** Forgets everything tied to the parent's account; the language choice stays. */
  signOut(): Promise<void>;
  /**
   * False only when no verified session was ever opened in this conversation since its last
   * sign-out, so the general help needs no session lookup. True says nothing about the session
   * being live: only the database decides that, every turn that needs it.
   */
  mayBeSignedIn(): boolean;
  /** Notes that a verified session was opened in this conversation (kept until sign-out). */
  markSignedIn(): Promise<void>;
}

const SESSION_KEY = Symbol('ConversationSession');

export function attachSession(context: TurnContext, session: ConversationSession): void {
  context.turnState.set(SESSION_KEY, session);
}

/**
 * The session the bot attached, or a state-less one that follows the activity's locale, so a
 * dialog driven on its own in a test (or the turn error handler before the bot ran) still works.
 */
export function sessionOf(context: TurnContext): ConversationSession {
  const attached = context.turnState.get<ConversationSession | undefined>(SESSION_KEY);
  if (attached !== undefined) return attached;
  let locale = resolveTurnLocale(undefined, context.activity.locale);
  const session: ConversationSession = {
    locale: () => locale,
    chooseLanguage: async (next) => {
      locale = next;
    },
    signOut: async () => undefined,
    // Without the bot's state nothing is known: ask the database.
    mayBeSignedIn: () => true,
    markSignedIn: async () => undefined,
  };
  attachSession(context, session);
  return session;
}
