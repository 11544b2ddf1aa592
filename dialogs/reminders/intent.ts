/**
 * The small rule layer under the `reminders` intent: turning them on, off, or asking how they
 * stand. The recognizer says the message is about reminders; these words say which of the three.
 */
export type ReminderAction = 'on' | 'off' | 'status';

const ABOUT_REMINDERS = /remind|\btext me\b|\bsms me\b|提醒|短信通知|recordatorio|recu[eé]rd[ae]me|av[ií]s(a|e)me|m[aá]ndame un (mensaje|texto)/i;
const OFF = /\b(stop|end|cancel|turn off|switch off|disable|unsubscribe|no more|don'?t)\b|\boff\b|停止|取消|关闭|关掉|不要|不用|\b(det[eé]n|detener|cancela|cancelar|parar|desactiva|desactivar|quita|quitar|apaga|apagar|no m[aá]s|ya no)\b/i;
const STATUS = /^(my |show |check )?(text )?reminders?( status)?\??$|status|are (my )?reminders|状态|情况|我的提醒|^提醒[？?]?$|^(mis )?recordatorios[?]?$|estado|tengo recordatorios/i;

/** Null when the text does not speak of reminders at all. */
export function reminderAction(text: string): ReminderAction | null {
  const t = text.trim().replace(/[.!。！]+$/u, '');
  if (!ABOUT_REMINDERS.test(t)) return null;
  if (OFF.test(t)) return 'off';
  if (STATUS.test(t)) return 'status';
  return 'on';
}

/** The agreement words: no carrier keyword (not YES), in any of the three languages. */
export function isAgreement(text: string): boolean {
  return /^(agree|i agree|acepto|同意|我同意)$/iu.test(text.trim().replace(/[.!。！]+$/u, ''));
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
