/**
 * Reading TTY conventions in what the parent typed: "GA" (go ahead) at the end, "SK" (stop keying),
 * "Q" for a question mark and "XXX" for a typo. Understanding the parent is the bot's and the
 * dialogs' job; how replies look on a TTY is the channel adapters' job.
 */

export interface TtyInput {
  /** What the parent meant, with the conventions read: no "GA", "Q" as "?", "XXX" applied. */
  readonly text: string;
  /** The message ended with "GA": the sender is on a TTY or a relay. */
  readonly goAhead: boolean;
  /** "SK", "GA TO SK", "SKSK": the parent is ending the conversation. */
  readonly signOff: boolean;
  /** The parent asked for TTY mode by typing just "TTY". */
  readonly ttyRequest: boolean;
}

/**
 * Reads TTY conventions. "Q"/"QQ" and "XXX" are only read so in TTY mode (or in a message that
 * ends with GA), where they cannot be an ordinary word; "SK" and "TTY" are read anywhere they stand
 * alone at the end.
 */
export function readTtyInput(raw: string, ttyMode: boolean): TtyInput {
  const trimmed = raw.trim();
  const upper = trimmed.toUpperCase();
  const signOff = /(^|\s)(SK|SKSK|SK SK|GA TO SK|GA OR SK)[\s.!]*$/.test(upper);
  const goAhead = /(^|\s)GA[\s.!]*$/.test(upper);
  let text = trimmed;
  if (goAhead) text = text.replace(/(^|\s)GA[\s.!]*$/i, '').trim();
  if (signOff) text = text.replace(/(^|\s)(SK|SKSK|SK SK|GA TO SK|GA OR SK)[\s.!]*$/i, '').trim();
  if (ttyMode || goAhead) {
    const words = text.split(/\s+/).filter((w) => w !== '');
    const kept: string[] = [];
    for (const word of words) {
      if (/^X{3,}$/i.test(word)) {
        // The typo mark: what came just before it is taken back.
        kept.pop();
        continue;
      }
      if (/^Q{1,2}$/i.test(word)) {
        if (kept.length > 0) kept[kept.length - 1] = `${kept[kept.length - 1] ?? ''}?`;
        else kept.push('?');
        continue;
      }
      kept.push(word);
    }
    text = kept.join(' ');
  }
  const ttyRequest = /^tty[\s.!]*$/i.test(text);
  return { text, goAhead, signOff, ttyRequest };
}
