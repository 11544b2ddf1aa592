/**
 * Every state property accessor, created once, so the property names and their types are defined
 * in one place and cannot drift apart between the bot, the dialogs and the tests.
 */
import type { ConversationState, StatePropertyAccessor, UserState } from 'botbuilder';
import type { DialogState } from 'botbuilder-dialogs';
import type { Locale } from '../locales/i18n.js';

export interface ConversationData {
  /** Set only when the parent chose a language explicitly; it then beats the channel's locale. */
  language?: Locale;
  /** The welcome goes out once per conversation even if the channel repeats conversationUpdate. */
  greeted?: boolean;
}

/** Nothing is kept about a parent across conversations yet; sign-in adds its fields here. */
export type UserProfile = Record<string, never>;

export interface StateAccessors {
  conversationData: StatePropertyAccessor<ConversationData>;
  dialogState: StatePropertyAccessor<DialogState>;
  userProfile: StatePropertyAccessor<UserProfile>;
}

export function createStateAccessors(conversationState: ConversationState, userState: UserState): StateAccessors {
  return {
    conversationData: conversationState.createProperty<ConversationData>('ConversationData'),
    dialogState: conversationState.createProperty<DialogState>('DialogState'),
    userProfile: userState.createProperty<UserProfile>('UserProfile'),
  };
}
