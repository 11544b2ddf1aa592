/**
 * The menu for a signed-in parent follows their side of their cases: a receiving parent is offered
 * disbursements and the monthly notice, a paying parent payment coupons. Asking for the menu never
 * starts a sign-in: without a live session the general menu is shown.
 */
import type { TurnContext } from 'botbuilder';
import { listCases } from '../../db/account/cases.js';
import { peekSession } from '../../db/repositories/sessions.js';
import type { Role } from '../../db/schema.js';
import { conversationKeyOf } from '../auth/conversation.js';
import type { AccountDeps } from '../deps.js';
import { sessionOf } from '../language/turnLanguage.js';
import { helpText, sayIn, type Wording } from '../messages.js';
import { localeOf, wordingOf } from '../reply.js';
import type { Locale } from '../../locales/i18n.js';

type MenuItem = { readonly command: string; readonly description: string };

const COMMON = ['balance', 'last_payment', 'payment_history'] as const;
const TAIL = ['statement', 'contact_office', 'pin_help'] as const;
const BY_ROLE: Record<Role, readonly string[]> = {
  custodial: ['disbursements', 'monthly_notice'],
  noncustodial: ['payment_coupon'],
};

export function roleMenuText(locale: Locale, roles: ReadonlySet<Role>, view: 'help' | 'menu', wording: Wording = 'any'): string {
  const say = sayIn(locale, wording);
  const items: MenuItem[] = [
    ...COMMON.map((topic) => ({ command: say(`commands.${topic}`), description: say(`help.descriptions.${topic}`) })),
    { command: say('menu.commands.order'), description: say('menu.descriptions.order') },
  ];
  for (const role of ['custodial', 'noncustodial'] as const) {
    if (!roles.has(role)) continue;
    for (const topic of BY_ROLE[role]) items.push({ command: say(`menu.commands.${topic}`), description: say(`menu.descriptions.${topic}`) });
  }
  items.push(...TAIL.map((topic) => ({ command: say(`commands.${topic}`), description: say(`help.descriptions.${topic}`) })));
  const roleWords = [...roles].sort().map((role) => say(`menu.role.${role}`)).join(' / ');
  return [
    say(view === 'menu' ? 'help.menu_intro' : 'help.intro'),
    say('menu.for_role', { role: roleWords }),
    items.map((item) => say('help.item', item)).join('\n'),
    [say('menu.cases_hint'), say('help.language'), say('help.cancel'), say('help.sign_out')].join('\n'),
  ].join('\n\n');
}

/** The role-aware menu when this conversation is signed in, the general one otherwise. */
export async function menuFor(deps: AccountDeps, context: TurnContext, view: 'help' | 'menu'): Promise<string> {
  const locale = localeOf(context);
  const wording = wordingOf(context);
  // Never signed in here since the last sign-out: no session to look up.
  if (!sessionOf(context).mayBeSignedIn()) return helpText(locale, view, wording);
  const session = await peekSession(deps.db, conversationKeyOf(context), deps.now());
  if (session === null) return helpText(locale, view, wording);
  const cases = await listCases(deps.db, session.personId);
  if (cases.length === 0) return helpText(locale, view, wording);
  return roleMenuText(locale, new Set(cases.map((c) => c.role)), view, wording);
}
