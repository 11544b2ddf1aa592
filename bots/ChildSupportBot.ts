/**
 * The one ActivityHandler: greets, runs the main dialog, applies the web page's language choice and
 * saves state once per turn. What to answer is the dialogs' business.
 */
import { ActivityHandler, ActivityTypes, type ConversationState, type TurnContext, type UserState } from 'botbuilder';
import type { DialogStateManagerConfiguration } from 'botbuilder-dialogs';
import { runDialog, type Dialog } from '../dialogs/framework.js';
import { turnLog, type Log as Logger } from '../dialogs/log.js';
import { channelDataTty, markSignOff, setTextTurn } from '../dialogs/text/mode.js';
import { readTtyInput } from '../dialogs/text/ttyInput.js';
import { SIGN_IN_COMPLETED_EVENT } from '../dialogs/auth/ports.js';
import {
  announceLanguage,
  attachSession,
  resolveTurnLocale,
  sessionOf,
  SET_LANGUAGE_EVENT,
} from '../dialogs/language/turnLanguage.js';
import { welcomeText } from '../dialogs/messages.js';
import { resolveLocale, translator, type Locale } from '../locales/i18n.js';
import { createStateAccessors, type ConversationData, type StateAccessors } from './state.js';

/** The turn-state key botbuilder-dialogs' DialogStateManager reads its configuration from. */
const DIALOG_STATE_CONFIGURATION = 'DialogStateManagerConfiguration';

export interface ChildSupportBotDeps {
  conversationState: ConversationState;
  userState: UserState;
  dialog: Dialog;
  logger: Logger;
  /** The composition root's accessors, if it made them; otherwise the bot makes its own. */
  accessors?: StateAccessors;
}

export class ChildSupportBot extends ActivityHandler {
  private readonly conversationState: ConversationState;
  private readonly userState: UserState;
  private readonly dialog: Dialog;
  private readonly logger: Logger;
  private readonly accessors: StateAccessors;
  private dialogStateConfiguration: DialogStateManagerConfiguration | undefined;

  constructor({ conversationState, userState, dialog, logger, accessors }: ChildSupportBotDeps) {
    super();
    this.conversationState = conversationState;
    this.userState = userState;
    this.dialog = dialog;
    this.logger = logger;
    this.accessors = accessors ?? createStateAccessors(conversationState, userState);

    this.onMembersAdded(async (context, next) => {
      await this.welcome(context);
      await next();
    });

    this.onMessage(async (context, next) => {
      await this.runDialog(context);
      await next();
    });

    this.onEvent(async (context, next) => {
      if (context.activity.name === SET_LANGUAGE_EVENT) await this.setLanguage(context);
      // The sign-in edge reports a finished NY.gov sign-in: the dialog waiting for it takes it.
      else if (context.activity.name === SIGN_IN_COMPLETED_EVENT) await this.runDialog(context);
      await next();
    });
  }

  /**
   * botbuilder-dialogs builds its memory-scope configuration (a service container, nine scope
   * objects, a schema check that fails and builds an error) on every turn, unless the turn state
   * already holds one. The scopes keep nothing between turns, so the first turn's configuration is
   * handed to every later one.
   */
  private async runDialog(context: TurnContext): Promise<void> {
    if (this.dialogStateConfiguration !== undefined) context.turnState.set(DIALOG_STATE_CONFIGURATION, this.dialogStateConfiguration);
    await runDialog(this.dialog, context, this.accessors.dialogState);
    this.dialogStateConfiguration ??= context.turnState.get<DialogStateManagerConfiguration | undefined>(DIALOG_STATE_CONFIGURATION);
  }

  /** State is saved even when the turn fails, before the turn error handler clears it. */
  override async run(context: TurnContext): Promise<void> {
    try {
      await this.attachConversationSession(context);
      if (await this.readTextConventions(context)) return;
      await super.run(context);
    } finally {
      await this.conversationState.saveChanges(context, false);
      await this.userState.saveChanges(context, false);
    }
  }

  /**
   * Forgets this turn's conversation as if it had never spoken (dialog and data state and the
   * parent's profile), keeping only TTY mode and language. An SMS START or STOP asks for it, so a
   * dialog left waiting (an office email, a PIN question) cannot take the next text as its answer.
   */
  async forget(context: TurnContext): Promise<void> {
    // How the parent reads us (TTY, language) is not account data: a TTY user's START stays in TTY.
    const data = await this.accessors.conversationData.get(context, {});
    const kept: ConversationData = {};
    if (data.language !== undefined) kept.language = data.language;
    if (data.tty !== undefined) kept.tty = data.tty;
    await this.conversationState.delete(context);
    await this.userState.delete(context);
    if (Object.keys(kept).length === 0) return;
    await this.accessors.conversationData.set(context, kept);
    await this.conversationState.saveChanges(context, true);
  }

  private async attachConversationSession(context: TurnContext): Promise<void> {
    const { conversationData, userProfile } = this.accessors;
    let data = await conversationData.get(context, {});
    let locale = resolveTurnLocale(data.language, context.activity.locale);
    // A Baudot TTY cannot show Chinese, nor Spanish accents: TTY mode answers in English.
    const turnLocale = (): Locale => (data.tty === true ? 'en' : locale);
    setTextTurn(context, {
      get tty() {
        return data.tty === true;
      },
      locale: turnLocale,
    });
    attachSession(context, {
      locale: turnLocale,
      chooseLanguage: async (chosen) => {
        locale = chosen;
        data.language = chosen;
        await conversationData.set(context, data);
      },
      signOut: async () => {
        // Keep only what is not about the parent's account; whatever sign-in adds is dropped.
        const kept: ConversationData = {};
        if (data.language !== undefined) kept.language = data.language;
        if (data.greeted !== undefined) kept.greeted = data.greeted;
        if (data.tty !== undefined) kept.tty = data.tty;
        data = kept;
        await conversationData.set(context, data);
        await userProfile.delete(context);
      },
      mayBeSignedIn: () => data.signedIn === true,
      markSignedIn: async () => {
        data.signedIn = true;
        await conversationData.set(context, data);
      },
    });
  }

  /**
   * TTY conventions on a message: "GA" at the end (or a message to a TTY number) turns TTY mode on,
   * "TTY" alone asks for it, "SK" ends the conversation. True when the turn is fully answered here.
   */
  private async readTextConventions(context: TurnContext): Promise<boolean> {
    if (context.activity.type !== ActivityTypes.Message) return false;
    const data = await this.accessors.conversationData.get(context, {});
    const wasTty = data.tty === true;
    const input = readTtyInput(context.activity.text ?? '', wasTty || channelDataTty(context.activity.channelData));
    if (!wasTty && (input.goAhead || input.ttyRequest || channelDataTty(context.activity.channelData))) data.tty = true;
    const tty = data.tty === true;
    // The replies' look follows from `data.tty` (the turn's TextTurn): the channel adapters render it.
    if (tty) context.activity.text = input.text;
    await this.accessors.conversationData.set(context, data);
    const en = translator('en');
    if (tty && !wasTty && resolveTurnLocale(data.language, context.activity.locale) !== 'en') {
      await context.sendActivity(en('tty.english_only'));
    }
    if (input.ttyRequest) {
      await context.sendActivity(en('tty.on'));
      return true;
    }
    if (tty && input.signOff) markSignOff(context);
    return false;
  }

  private async welcome(context: TurnContext): Promise<void> {
    const botId = context.activity.recipient?.id;
    const newcomers = (context.activity.membersAdded ?? []).filter((member) => member.id !== botId);
    if (newcomers.length === 0) return;
    const data = await this.accessors.conversationData.get(context, {});
    if (data.greeted === true) return;
    data.greeted = true;
    await this.accessors.conversationData.set(context, data);
    await context.sendActivity(welcomeText(sessionOf(context).locale()));
  }

  /** The page's language picker. A value that is not a tag is ignored: the page is not trusted. */
  private async setLanguage(context: TurnContext): Promise<void> {
    const value: unknown = context.activity.value;
    if (typeof value !== 'string') {
      turnLog(context, this.logger).warn({ event: SET_LANGUAGE_EVENT }, 'language event without a locale tag ignored');
      return;
    }
    await announceLanguage(context, resolveLocale(value));
  }
}
