/**
 * What the bot does when it did not understand, instead of a bare "Sorry, I didn't catch that":
 *
 * - a first miss with a guess offers the two likeliest choices ("Did you mean: 1. … 2. …"), as
 *   buttons and as numbered lines, so typing "1", "2" or the choice's words works on SMS and TTY
 *   too; a first miss without a guess gives the usual "didn't catch that" with the commands;
 * - the next message is then read first as a choice, else as a new question (re-routed as usual);
 * - a second miss in a row stops guessing and offers a way to a person: writing to the office
 *   ("email my office") and the helpline.
 * Nothing of the parent's words is echoed back.
 */
import { ActionTypes, ActivityTypes, MessageFactory } from 'botbuilder';
import { Dialog, type DialogContext, type DialogTurnResult } from '../framework.js';
import { translator } from '../../locales/i18n.js';
import { REROUTE } from '../account/reroute.js';
import { isTextOnly } from '../text/mode.js';
import { normalizeForMatching } from '../recognizer/normalize.js';
import type { Intent, Recognition, Recognizer } from '../recognizer/Recognizer.js';
import { localeOf, sayFor } from '../reply.js';

export const CLARIFY_DIALOG = 'ClarifyDialog';

type Choice = Exclude<Intent, 'none'>;

interface ClarifyState {
  readonly choices: readonly Choice[];
  /** The question that was not understood: a chosen answer still reads its dates ("…from January"). */
  readonly text: string;
}

/** The result that tells the main dialog to answer `intent` for the original question `text`. */
export interface Clarified {
  readonly clarified: Choice;
  readonly text: string;
}

export function isClarified(value: unknown): value is Clarified {
  return typeof value === 'object' && value !== null && typeof (value as { clarified?: unknown }).clarified === 'string';
}

const STATE = 'clarify';

export class ClarifyDialog extends Dialog {
  constructor(private readonly recognizer: Recognizer) {
    super(CLARIFY_DIALOG);
  }

  override async beginDialog(dc: DialogContext, options?: Partial<Recognition>): Promise<DialogTurnResult> {
    const say = sayFor(dc.context);
    const choices = (options?.alternatives ?? []).map((a) => a.intent).slice(0, 2);
    if (dc.activeDialog !== undefined) dc.activeDialog.state[STATE] = { choices, text: dc.context.activity.text ?? '' } satisfies ClarifyState;
    if (choices.length === 0) {
      await dc.context.sendActivity(say('none.reply'));
      return Dialog.EndOfTurn;
    }
    const labels = choices.map((intent) => say(`clarify.intents.${intent}`));
    const text = [say('clarify.did_you_mean'), ...labels.map((label, i) => say('clarify.choice', { number: i + 1, label })), say('clarify.reply_hint')].join('\n');
    const message = isTextOnly(dc.context)
      ? MessageFactory.text(text)
      : MessageFactory.suggestedActions(
          labels.map((label) => ({ type: ActionTypes.ImBack, title: label, value: label })),
          text,
        );
    await dc.context.sendActivity(message);
    return Dialog.EndOfTurn;
  }

  override async continueDialog(dc: DialogContext): Promise<DialogTurnResult> {
    if (dc.context.activity.type !== ActivityTypes.Message) return Dialog.EndOfTurn;
    const state = (dc.activeDialog?.state[STATE] as ClarifyState | undefined) ?? { choices: [], text: '' };
    const answer = dc.context.activity.text ?? '';
    const chosen = this.choiceOf(dc, state, answer);
    if (chosen !== undefined) return dc.endDialog({ clarified: chosen, text: state.text } satisfies Clarified);
    const recognition = await this.recognizer.recognize(answer, localeOf(dc.context));
    // Understood this time: the main dialog answers this message as it would any other.
    if (recognition.intent !== 'none') return dc.endDialog(REROUTE);
    await dc.context.sendActivity(sayFor(dc.context)('clarify.escalate'));
    return dc.endDialog();
  }

  /** "1"/"2", a button's label, or "yes" when there was only one choice. */
  private choiceOf(dc: DialogContext, state: ClarifyState, answer: string): Choice | undefined {
    const typed = normalizeForMatching(answer);
    const number = /^\d$/.test(typed) ? Number(typed) : Number.NaN;
    if (number >= 1 && number <= state.choices.length) return state.choices[number - 1];
    const say = sayFor(dc.context);
    const byLabel = state.choices.find((intent) => normalizeForMatching(say(`clarify.intents.${intent}`)) === typed);
    if (byLabel !== undefined) return byLabel;
    const yes = translator(localeOf(dc.context))('common.yes_words').split('|').map(normalizeForMatching);
    if (state.choices.length === 1 && yes.includes(typed)) return state.choices[0];
    return undefined;
  }
}
