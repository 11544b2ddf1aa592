/**
 * Every state property accessor, created once, so the property names and their types are defined
 * in one place and cannot drift apart between the bot, the dialogs and the tests.
 */
import type { ConversationState, StatePropertyAccessor, Storage, TurnContext, UserState } from 'botbuilder';
import type { DialogState } from '../dialogs/framework.js';
import { attachCaseChoice } from '../dialogs/cases/caseChoice.js';
import type { Locale } from '../locales/i18n.js';

export interface ConversationData {
  /** Set only when the parent chose a language explicitly; it then beats the channel's locale. */
  language?: Locale;
  /** The welcome goes out once per conversation even if the channel repeats conversationUpdate. */
  greeted?: boolean;
  /**
   * TTY mode, for the rest of the conversation: set by a message to a TTY number, one ending in
   * "GA", or "TTY". Replies are then Baudot-safe, in English, and end with "GA".
   */
  tty?: boolean;
  /**
   * The case a parent with several chose for account questions (a case number, or 'all'). Account
   * data, so sign-out drops it with the rest.
   */
  chosenCase?: string;
  /**
   * A verified session was opened in this conversation since its last sign-out. Only a hint that
   * spares a signed-out parent's "help" the session lookup: whether the session is live is asked
   * of the database on every turn that needs it. Account data, so sign-out drops it.
   */
  signedIn?: boolean;
}

/** Nothing is kept about a parent across conversations yet; sign-in adds its fields here. */
export type UserProfile = Record<string, never>;

export interface StateAccessors {
  conversationData: StatePropertyAccessor<ConversationData>;
  dialogState: StatePropertyAccessor<DialogState>;
  userProfile: StatePropertyAccessor<UserProfile>;
}

const CONVERSATION_DATA = 'ConversationData';

/**
 * Whether a conversation is in TTY mode, read from the stored conversation state (the key
 * ConversationState uses). For channel edges that answer without a turn, such as the carrier
 * keywords HELP and START, so they too answer a TTY in capitals with "GA".
 */
export function ttyModeReader(storage: Storage, channelId: string): (conversationId: string) => Promise<boolean> {
  return async (conversationId) => {
    const key = `${channelId}/conversations/${conversationId}/`;
    const stored = (await storage.read([key]))[key] as Record<string, unknown> | undefined;
    const data = stored?.[CONVERSATION_DATA] as ConversationData | undefined;
    return data?.tty === true;
  };
}

export function createStateAccessors(conversationState: ConversationState, userState: UserState): StateAccessors {
  return {
    conversationData: new CaseChoiceExposingAccessor(conversationState.createProperty<ConversationData>(CONVERSATION_DATA)),
    dialogState: conversationState.createProperty<DialogState>('DialogState'),
    userProfile: userState.createProperty<UserProfile>('UserProfile'),
  };
}

/**
 * The bot reads ConversationData at the start of every turn; this hands the dialogs a memory over
 * that same object's `chosenCase`, so the choice is saved with the conversation (and dropped with
 * it at sign-out) without dialogs holding a state accessor.
 */
class CaseChoiceExposingAccessor implements StatePropertyAccessor<ConversationData> {
  constructor(private readonly inner: StatePropertyAccessor<ConversationData>) {}

  get(context: TurnContext): Promise<ConversationData | undefined>;
  get(context: TurnContext, defaultValue: ConversationData): Promise<ConversationData>;
  async get(context: TurnContext, defaultValue?: ConversationData): Promise<ConversationData | undefined> {
    const data = defaultValue === undefined ? await this.inner.get(context) : await this.inner.get(context, defaultValue);
    this.expose(context, data);
    return data;
  }

  async set(context: TurnContext, value: ConversationData): Promise<void> {
    this.expose(context, value);
    await this.inner.set(context, value);
  }

  delete(context: TurnContext): Promise<void> {
    return this.inner.delete(context);
  }

  private expose(context: TurnContext, data: ConversationData | undefined): void {
    if (data === undefined) return;
    attachCaseChoice(context, {
      get: () => data.chosenCase,
      set: (choice) => {
        if (choice === undefined) delete data.chosenCase;
        else data.chosenCase = choice;
      },
    });
  }
}
