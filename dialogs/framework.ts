/**
 * The botbuilder-dialogs classes this bot uses, each from its own file. The package's index also
 * loads every other prompt and, through them, the Recognizers-Text suites for dates, numbers,
 * units and choices: about 40 MB resident and a few tenths of a second of every start, for
 * prompts this bot never shows (it prompts for text only and recognizes with its own classifier).
 * Types still come from the package (they cost nothing at run time); eslint keeps value imports
 * of the package's index out of the app.
 */
import type { StatePropertyAccessor, TurnContext } from 'botbuilder';
import type { Dialog as DialogType, DialogState as DialogStateType } from 'botbuilder-dialogs';
import { DialogTurnStatus } from 'botbuilder-dialogs/lib/dialog.js';
import { DialogSet } from 'botbuilder-dialogs/lib/dialogSet.js';

export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog.js';
export { Dialog } from 'botbuilder-dialogs/lib/dialog.js';
export { DialogContextError } from 'botbuilder-dialogs/lib/dialogContextError.js';
export { TextPrompt } from 'botbuilder-dialogs/lib/prompts/textPrompt.js';
export { WaterfallDialog } from 'botbuilder-dialogs/lib/waterfallDialog.js';
export type {
  DialogContext,
  DialogInstance,
  DialogState,
  DialogTurnResult,
  PromptValidator,
  WaterfallStepContext,
} from 'botbuilder-dialogs';

/**
 * Continues the dialog on the stack, or begins `dialog` when none is active: what the package's
 * `runDialog` does for a bot that is neither a skill nor an adaptive dialog, as the BotBuilder
 * samples' dialog helper did before it.
 *
 * The package's version also loads and saves every memory scope (the bot loads and saves its state
 * itself, once per turn), copies the turn state into the dialog context's services (for adaptive
 * dialogs), lets a dialog handle an `error` event (none here does) and, on every turn, walks all
 * memory into a "Bot State" snapshot for a trace activity that only the Emulator channel shows.
 * Together those were a sixth of a turn's CPU; the dialogs' own behaviour is the same.
 */
export async function runDialog(dialog: DialogType, context: TurnContext, accessor: StatePropertyAccessor<DialogStateType>): Promise<void> {
  const dialogs = new DialogSet(accessor);
  dialogs.add(dialog);
  const dc = await dialogs.createContext(context);
  const result = await dc.continueDialog();
  if (result.status === DialogTurnStatus.empty) await dc.beginDialog(dialog.id);
}
