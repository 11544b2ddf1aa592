/**
 * The small rule layer under the `reminders` intent: turning them on, off, or asking how they
 * stand. The recognizer says the message is about reminders; these words say which of the three.
 */
import { phrasePattern, WORDS } from '../../locales/words.js';
import { normalizeForMatching } from '../recognizer/normalize.js';

export type ReminderAction = 'on' | 'off' | 'status';

const normalized = (words: readonly string[]): string[] => words.map(normalizeForMatching);
const ABOUT = new RegExp(phrasePattern(normalized(WORDS.reminders.about)), 'u');
const OFF = new RegExp(phrasePattern(normalized(WORDS.reminders.off)), 'u');
const STATUS = new RegExp(phrasePattern(normalized(WORDS.reminders.status)), 'u');
const STATUS_WHOLE = new Set(normalized(WORDS.reminders.statusWhole));
const AGREE = new Set(normalized(WORDS.reminders.agree));

/** Null when the text does not speak of reminders at all. The words live in `locales/<lang>/words.json`. */
export function reminderAction(text: string): ReminderAction | null {
  const t = normalizeForMatching(text);
  if (!ABOUT.test(t)) return null;
  if (OFF.test(t)) return 'off';
  if (STATUS_WHOLE.has(t) || STATUS.test(t)) return 'status';
  return 'on';
}

/** The agreement words: no carrier keyword (not YES), in any of our languages. */
export function isAgreement(text: string): boolean {
  return AGREE.has(normalizeForMatching(text));
}

/** A US mobile number as E.164, from what a parent types (10 digits, or 11 with a leading 1). */
export function usMobileNumber(text: string): string | null {
  const digits = text.replace(/[\s().\-+]/g, '');
  if (!/^\d+$/.test(digits)) return null;
  const national = digits.length === 11 && digits.startsWith('1') ? digits.slice(1) : digits;
  // NANP: area code and exchange never start with 0 or 1.
  if (!/^[2-9]\d{2}[2-9]\d{6}$/.test(national)) return null;
  return `+1${national}`;
}
