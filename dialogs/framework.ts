/**
 * The botbuilder-dialogs classes this bot uses, each from its own file. The package's index also
 * loads every other prompt and, through them, the Recognizers-Text suites for dates, numbers,
 * units and choices: about 40 MB resident and a few tenths of a second of every start, for
 * prompts this bot never shows (it prompts for text only and recognizes with its own classifier).
 * Types still come from the package (they cost nothing at run time); eslint keeps value imports
 * of the package's index out of the app.
 */
export { ComponentDialog } from 'botbuilder-dialogs/lib/componentDialog.js';
export { Dialog } from 'botbuilder-dialogs/lib/dialog.js';
export { DialogContextError } from 'botbuilder-dialogs/lib/dialogContextError.js';
export { runDialog } from 'botbuilder-dialogs/lib/dialogHelper.js';
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
