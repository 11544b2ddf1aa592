/**
 * The one place where help, menu, cancel, language and sign-out break into whatever dialog is
 * waiting for an answer, so every future flow gets them for free and they behave the same everywhere.
 */
import { ActivityTypes, type TurnContext } from 'botbuilder';
import { ComponentDialog, Dialog, type DialogContext, type DialogTurnResult } from './framework.js';
import { turnLog, type Log } from './log.js';
import type { Locale } from '../locales/i18n.js';
import { signedOutEvent } from './auth/signedOut.js';
import { screenInput, type ScreenedInput } from './input/screenInput.js';
import { announceLanguage, sessionOf } from './language/turnLanguage.js';
import { helpText } from './messages.js';
import { sayFor, wordingOf } from './reply.js';
import type { Recognition, Recognizer } from './recognizer/Recognizer.js';

/** Below this, an answer to a prompt that merely contains "help" somewhere is left to the prompt. */
export const INTERRUPT_THRESHOLD = 0.5;

const BAD_INPUT_KEYS: Record<Exclude<ScreenedInput['kind'], 'text'>, string> = {
  empty: 'input.empty',
  attachment: 'input.attachment',
  no_words: 'input.no_words',
  too_long: 'input.too_long',
  unclear: 'none.reply',
};

export abstract class InterruptibleDialog extends ComponentDialog {
  protected readonly recognizer: Recognizer;
  protected readonly logger: Log | undefined;

  protected constructor(dialogId: string, recognizer: Recognizer, logger?: Log) {
    super(dialogId);
    this.recognizer = recognizer;
    this.logger = logger;
  }

  protected override async onContinueDialog(innerDc: DialogContext): Promise<DialogTurnResult> {
    const interrupted = await this.interrupt(innerDc);
    return interrupted ?? super.onContinueDialog(innerDc);
  }

  private async interrupt(innerDc: DialogContext): Promise<DialogTurnResult | undefined> {
    const { context } = innerDc;
    if (context.activity.type !== ActivityTypes.Message) return undefined;
    const text = await this.screen(context);
    if (text === undefined) return this.keepWaiting(innerDc);
    const recognition = await this.recognizer.recognize(text, this.locale(context));
    if (recognition.score < INTERRUPT_THRESHOLD) return undefined;
    switch (recognition.intent) {
      case 'help':
        await this.showHelp(context, recognition);
        // On SMS "cancel" would opt the number out, so "menu" is the word that stops what is going on.
        if (recognition.entities.view === 'menu' && wordingOf(context) === 'sms') return innerDc.cancelAllDialogs();
        return this.keepWaiting(innerDc);
      case 'cancel':
        await this.say(context, 'cancel.done');
        return innerDc.cancelAllDialogs();
      case 'language': {
        const { locale } = recognition.entities;
        if (locale === undefined) {
          await this.say(context, 'language.options');
          return this.keepWaiting(innerDc);
        }
        await this.switchLanguage(context, locale);
        // The waiting prompt was written in the old language; re-asking it would mix languages.
        return innerDc.cancelAllDialogs();
      }
      case 'sign_out':
        await this.signOut(context);
        return innerDc.cancelAllDialogs();
      default:
        return undefined;
    }
  }

  private async keepWaiting(innerDc: DialogContext): Promise<DialogTurnResult> {
    await innerDc.repromptDialog();
    return Dialog.EndOfTurn;
  }

  protected locale(context: TurnContext): Locale {
    return sessionOf(context).locale();
  }

  protected async say(context: TurnContext, key: string): Promise<void> {
    await context.sendActivity(sayFor(context)(key));
  }

  /**
   * Answers odd input itself and returns undefined, or returns the cleaned text. The activity's text
   * is replaced by the cleaned one so prompts downstream never see control characters.
   */
  protected async screen(context: TurnContext): Promise<string | undefined> {
    const input = screenInput(context.activity);
    if (input.kind === 'text') {
      context.activity.text = input.text;
      return input.text;
    }
    turnLog(context, this.logger)?.info({ input: input.kind }, 'odd input answered');
    await this.say(context, BAD_INPUT_KEYS[input.kind]);
    return undefined;
  }

  protected async showHelp(context: TurnContext, recognition?: Recognition): Promise<void> {
    const view = recognition?.entities.view === 'menu' ? 'menu' : 'help';
    await context.sendActivity(helpText(this.locale(context), view, wordingOf(context)));
  }

  protected async switchLanguage(context: TurnContext, locale: Locale): Promise<void> {
    await announceLanguage(context, locale);
  }

  protected async signOut(context: TurnContext): Promise<void> {
    await sessionOf(context).signOut();
    // Before the confirmation, so the transcript the channel keeps ends up holding only that.
    await context.sendActivity(signedOutEvent(context.activity));
    await this.say(context, 'sign_out.done');
  }
}

