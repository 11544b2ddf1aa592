/**
 * What sign-out tells the channel, so that "nothing from your account stays in this chat" is true
 * on screen as well: the bot sends this event just before its confirmation. A channel that keeps
 * the transcript (our Direct Line log, which the page replays after a reload) deletes everything
 * stored before the parent's sign-out request; the web page removes what it shows from before it.
 * The request itself stays (it holds nothing of the account, and a client waiting for its echo
 * would otherwise show it as never sent). Channels that keep nothing ignore the event.
 */
import { ActivityTypes, type Activity } from 'botbuilder';

export const SIGNED_OUT_EVENT = 'signedOut';

export interface SignedOutValue {
  /** Id of the activity that asked to sign out: everything before it is forgotten. */
  readonly forgetBefore?: string;
}

export function signedOutEvent(request: Partial<Activity>): Partial<Activity> {
  const value: SignedOutValue = request.id === undefined || request.id === '' ? {} : { forgetBefore: request.id };
  return { type: ActivityTypes.Event, name: SIGNED_OUT_EVENT, value };
}

/** The id before which to forget; undefined means everything. */
export function forgetBeforeOf(activity: Partial<Activity>): string | undefined {
  const value: unknown = activity.value;
  if (typeof value !== 'object' || value === null) return undefined;
  const before = (value as { forgetBefore?: unknown }).forgetBefore;
  return typeof before === 'string' ? before : undefined;
}

export function isSignedOutEvent(activity: Partial<Activity>): boolean {
  return activity.type === ActivityTypes.Event && activity.name === SIGNED_OUT_EVENT;
}
