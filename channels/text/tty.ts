/**
 * TTY (and TTY relay) conventions. A Baudot TTY shows only capitals, digits and a little
 * punctuation, so every reply is folded onto that alphabet and ends with "GA" (go ahead), or "SK"
 * (stop keying) when the conversation ends. The channel adapters apply it to what the bot sends
 * when the turn is in TTY mode; reading the conventions in what the parent types is the dialogs'
 * business (dialogs/text/ttyInput.ts).
 */
import type { Activity } from 'botbuilder';
import { translator } from '../../locales/i18n.js';
import { renderActivities } from './render.js';

/** Everything a Baudot TTY can show. */
export const BAUDOT_SAFE = /^[A-Z0-9 \n\-?:$!&#'().,;/"]*$/;

const URL_PATTERN = /\bhttps?:\/\/\S+/gi;

const REPLACEMENTS: ReadonlyArray<readonly [RegExp, string]> = [
  [/[‘’‚‛`´]/g, "'"],
  [/[“”„‟«»]/g, '"'],
  [/[‐‑‒–—―−]/g, '-'],
  [/[•·▪●]/g, '-'],
  [/…/g, '...'],
  [/@/g, ' AT '],
  [/%/g, ' PERCENT'],
  [/\+/g, ' PLUS '],
  [/=/g, ' EQUALS '],
  [/[[{<]/g, '('],
  [/[\]}>]/g, ')'],
  [/[_|~^*\\]/g, ' '],
  [/\t/g, ' '],
  [/\r/g, ''],
];

/** Ends a reply with the turn-taking signal; a reply that already ends the call keeps its "SK". */
function withSignal(text: string): string {
  if (/(^|\s)SK$/.test(text)) return text;
  if (/(^|\s)GA$/.test(text)) return text;
  return text === '' ? 'GA' : `${text} GA`;
}

/**
 * Any text, folded onto the Baudot alphabet, uppercase, ending in GA (or SK). Links are left out,
 * unless `keepLinks`: then each stays exactly as written (a link's token is case-sensitive), for a
 * screen that can open it although the parent types by TTY conventions (web chat).
 */
export function renderTty(text: string, options: { readonly keepLinks?: boolean } = {}): string {
  const links: string[] = [];
  let out =
    options.keepLinks === true
      ? text.replace(URL_PATTERN, (url) => `QQLINK${links.push(url) - 1}QQ`)
      : text.replace(URL_PATTERN, translator('en')('tty.link_removed'));
  for (const [pattern, replacement] of REPLACEMENTS) out = out.replace(pattern, replacement);
  out = out
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .toUpperCase()
    .replace(/[^A-Z0-9 \n\-?:$!&#'().,;/"]/g, '')
    .replace(/[ ]{2,}/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim()
    .replace(/QQLINK(\d+)QQ/g, (placeholder, index: string) => links[Number(index)] ?? placeholder);
  return withSignal(out);
}

/**
 * One outgoing web chat activity in TTY mode: a plain message, choices numbered, no cards. Links stay
 * (web chat verifies only by NY.gov, so its TTY users must get the sign-in link).
 */
export function ttyActivity(activity: Partial<Activity>): Partial<Activity> {
  if (activity.type !== undefined && activity.type !== 'message') return activity;
  const { text } = renderActivities([activity], 'en');
  const rendered: Partial<Activity> = { ...activity, text: renderTty(text, { keepLinks: true }), textFormat: 'plain' };
  // Cards, buttons and speech are folded into the text above; a TTY shows nothing else.
  delete rendered.attachments;
  delete rendered.suggestedActions;
  delete rendered.speak;
  return rendered;
}
