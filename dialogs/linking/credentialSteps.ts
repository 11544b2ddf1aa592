/**
 * The SSN-then-PIN steps that linking (after NY.gov) and text verification (SMS, TTY) share. Only the
 * SSN's keyed HMAC is kept in the waterfall's values between the two prompts, because dialog state
 * is stored in the database; it is taken out again before the check.
 */
import type { DialogTurnResult, WaterfallStepContext } from '../framework.js';
import { hmacSsn, normalizePin, normalizeSsn } from '../../db/crypto.js';
import { reply, sayFor } from '../reply.js';
import { textResult } from './validators.js';

interface CredentialValues {
  ssnHmac?: string;
}

function valuesOf(step: WaterfallStepContext): CredentialValues {
  return step.values as CredentialValues;
}

export function promptForSsn(step: WaterfallStepContext, promptId: string): Promise<DialogTurnResult> {
  const say = sayFor(step.context);
  return step.prompt(promptId, { prompt: say('linking.ask_ssn'), retryPrompt: say('linking.ssn_invalid') });
}

/** Keeps the HMAC of the SSN just given and asks the PIN; gives up politely after bad SSN retries. */
export async function keepSsnAndPromptForPin(
  step: WaterfallStepContext,
  promptId: string,
  ssnHmacKey: string,
): Promise<DialogTurnResult> {
  const ssn = normalizeSsn(textResult(step.result));
  if (ssn === null) {
    await reply(step.context, 'linking.gave_up');
    return step.endDialog(undefined);
  }
  valuesOf(step).ssnHmac = hmacSsn(ssnHmacKey, ssn);
  const say = sayFor(step.context);
  return step.prompt(promptId, { prompt: say('linking.ask_pin'), retryPrompt: say('linking.pin_invalid') });
}

/**
 * The PIN just given and the kept SSN HMAC, which leaves the dialog state here. Null (after the
 * gave-up answer) when either is missing; the caller then ends its dialog.
 */
export async function takeCredentials(step: WaterfallStepContext): Promise<{ pin: string; ssnHmac: string } | null> {
  const pin = normalizePin(textResult(step.result));
  const values = valuesOf(step);
  const { ssnHmac } = values;
  delete values.ssnHmac;
  if (pin === null || ssnHmac === undefined) {
    await reply(step.context, 'linking.gave_up');
    return null;
  }
  return { pin, ssnHmac };
}
