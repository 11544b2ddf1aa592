/**
 * Office hours as the parent's language writes them. The office data holds them in one fixed
 * English shape ("Mon-Fri 8:30-17:00"); shown bare, a Spanish or Chinese sentence carried that
 * English. A value in another shape is shown as it is rather than guessed at.
 */
import type { Locale } from '../../locales/i18n.js';
import type { Say } from '../messages.js';

const DAYS = ['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'] as const;
const DAY = '(mon|tue|wed|thu|fri|sat|sun)[a-z]*\\.?';
const TIME = '(\\d{1,2}):(\\d{2})';
const WEEKLY = new RegExp(`^${DAY}\\s*[-–]\\s*${DAY},?\\s+${TIME}\\s*[-–]\\s*${TIME}$`, 'i');

/** "8:30 AM" in English, "8:30" / "17:00" where the 24-hour clock is usual (Spanish, Chinese). */
function clock(locale: Locale, hour: number, minute: number): string {
  if (locale !== 'en') return `${hour}:${String(minute).padStart(2, '0')}`;
  return new Intl.DateTimeFormat('en-US', { hour: 'numeric', minute: '2-digit', hourCycle: 'h12', timeZone: 'UTC' }).format(
    new Date(Date.UTC(2000, 0, 1, hour, minute)),
  );
}

export function officeHours(say: Say, locale: Locale, hours: string): string {
  const match = WEEKLY.exec(hours.trim());
  if (match === null) return hours;
  const [, from = '', to = '', openH = '', openM = '', closeH = '', closeM = ''] = match;
  const day = (abbr: string): string | undefined => DAYS.find((d) => d === abbr.toLowerCase());
  const first = day(from);
  const last = day(to);
  const [oh, om, ch, cm] = [openH, openM, closeH, closeM].map(Number) as [number, number, number, number];
  if (first === undefined || last === undefined || oh > 23 || ch > 23 || om > 59 || cm > 59) return hours;
  return say('office.hours.weekly', {
    from: say(`office.hours.days.${first}`),
    to: say(`office.hours.days.${last}`),
    open: clock(locale, oh, om),
    close: clock(locale, ch, cm),
  });
}
