import { describe, expect, it } from '@jest/globals';
import {
  DialogTurnStatus,
  TextPrompt,
  WaterfallDialog,
  type DialogTurnResult,
  type WaterfallStepContext,
} from 'botbuilder-dialogs';
import { DialogTestClient } from 'botbuilder-testing';
import { SIGNED_OUT_EVENT } from '../../dialogs/auth/signedOut.js';
import { LANGUAGE_CHANGED_EVENT } from '../../dialogs/language/turnLanguage.js';
import { InterruptibleDialog } from '../../dialogs/InterruptibleDialog.js';
import { helpText, sayIn } from '../../dialogs/messages.js';
import { KeywordRecognizer } from '../../dialogs/recognizer/KeywordRecognizer.js';

/** A flow that waits for an answer, like the account flows of the next issue will. */
class AskDialog extends InterruptibleDialog {
  static readonly PROMPT_TEXT = 'Which month?';

  constructor() {
    super('AskDialog', new KeywordRecognizer());
    this.addDialog(new TextPrompt('AskDialog.text'));
    this.addDialog(new WaterfallDialog('AskDialog.waterfall', [this.askStep.bind(this), this.answerStep.bind(this)]));
    this.initialDialogId = 'AskDialog.waterfall';
  }

  private async askStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    return step.prompt('AskDialog.text', { prompt: AskDialog.PROMPT_TEXT });
  }

  private async answerStep(step: WaterfallStepContext): Promise<DialogTurnResult> {
    await step.context.sendActivity(`got an answer of ${String(step.result).length} characters`);
    return step.endDialog(step.result);
  }
}

async function started(): Promise<DialogTestClient> {
  const client = new DialogTestClient('test', new AskDialog());
  const first = await client.sendActivity('start');
  expect(first.text).toBe(AskDialog.PROMPT_TEXT);
  return client;
}

const en = sayIn('en');

describe('InterruptibleDialog', () => {
  it('lets an ordinary answer through to the prompt', async () => {
    const client = await started();
    expect((await client.sendActivity('March')).text).toBe('got an answer of 5 characters');
    expect(client.dialogTurnResult.status).toBe(DialogTurnStatus.complete);
  });

  it('answers help and asks the question again', async () => {
    const client = await started();
    expect((await client.sendActivity('help')).text).toBe(helpText('en'));
    expect(client.getNextReply().text).toBe(AskDialog.PROMPT_TEXT);
    expect(client.dialogTurnResult.status).toBe(DialogTurnStatus.waiting);
    expect((await client.sendActivity('May')).text).toBe('got an answer of 3 characters');
  });

  it('shows the menu and keeps waiting', async () => {
    const client = await started();
    expect((await client.sendActivity('菜单')).text).toBe(helpText('en', 'menu'));
    expect(client.getNextReply().text).toBe(AskDialog.PROMPT_TEXT);
  });

  it('cancels mid-dialog with a confirmation', async () => {
    const client = await started();
    expect((await client.sendActivity('cancel')).text).toBe(en('cancel.done'));
    expect(client.dialogTurnResult.status).toBe(DialogTurnStatus.complete);
    expect(client.getNextReply()).toBeUndefined();
  });

  it('cancels in Spanish in the conversation language', async () => {
    const client = new DialogTestClient('test', new AskDialog());
    await client.sendActivity({ type: 'message', text: 'start', locale: 'es-US' });
    const answer = await client.sendActivity({ type: 'message', text: 'cancelar', locale: 'es-US' });
    expect(answer.text).toBe(sayIn('es')('cancel.done'));
  });

  it('switches language mid-dialog, confirms in the new language and ends the flow', async () => {
    const client = await started();
    expect((await client.sendActivity('español')).text).toBe(sayIn('es')('language.changed'));
    expect(client.getNextReply()).toMatchObject({ type: 'event', name: LANGUAGE_CHANGED_EVENT, value: 'es' });
    expect(client.dialogTurnResult.status).toBe(DialogTurnStatus.complete);
  });

  it('lists the languages on "language" and keeps waiting', async () => {
    const client = await started();
    expect((await client.sendActivity('language')).text).toBe(en('language.options'));
    expect(client.getNextReply().text).toBe(AskDialog.PROMPT_TEXT);
  });

  it('signs out mid-dialog', async () => {
    const client = await started();
    // First the channel is told to forget the transcript, then the parent hears it is done.
    expect((await client.sendActivity('log out')).name).toBe(SIGNED_OUT_EVENT);
    expect(client.getNextReply().text).toBe(en('sign_out.done'));
    expect(client.dialogTurnResult.status).toBe(DialogTurnStatus.complete);
  });

  it.each([
    ['blank', '   ', 'input.empty'],
    ['emoji-only', '😀', 'input.no_words'],
    ['over-long', 'x'.repeat(2001), 'input.too_long'],
  ])('answers %s input and asks again', async (_label, text, key) => {
    const client = await started();
    expect((await client.sendActivity(text)).text).toBe(en(key));
    expect(client.getNextReply().text).toBe(AskDialog.PROMPT_TEXT);
    expect(client.dialogTurnResult.status).toBe(DialogTurnStatus.waiting);
  });

  it('hands the prompt the text without control characters', async () => {
    const client = await started();
    expect((await client.sendActivity('Ju\u0000ne\u0085')).text).toBe('got an answer of 4 characters');
  });
});
