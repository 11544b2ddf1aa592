/**
 * What the reminders dialog needs from the SMS channel, handed in by the composition root (dialogs
 * never import channels): the same phone hash STOP is recorded under, and a way to text a one-time
 * code to a number typed in web chat.
 */
export interface RemindersPort {
  /** The keyed hash `sms_opt_outs` and reminder consents use for a number. */
  phoneHash(phone: string): string;
  /** Texts `body` to `phone` outside any conversation; false when texting is not configured. */
  sendText(phone: string, body: string): Promise<boolean>;
}
