/**
 * Finds every piece of text the bot would take for an SSN or a PIN, so that transcripts, logs and
 * the input screens all agree with the parsers in `crypto.ts` about what is secret. What
 * `normalizeSsn` accepts is any run of digit groups joined by hyphens and whitespace that holds
 * nine digits in all (`900-11-1001`, `900  11  1007`, `9 0 0 1 1 1 0 0 1`, `900-111-001`); what
 * `normalizePin` accepts is five digits alone. A group is a maximal run of ASCII digits, so digits
 * glued to other digits belong to a different, longer number (a phone number, a case number).
 * Amounts, dates and case numbers stay readable: `$1,125.00` and `2026-11-06` hold no such run.
 */

export type SensitiveKind = 'ssn' | 'pin';

export interface SensitiveSpan {
  readonly start: number;
  /** Exclusive. */
  readonly end: number;
  readonly kind: SensitiveKind;
}

/** Digit groups joined only by what `normalizeSsn` strips (hyphens and whitespace, as `\s` means). */
export interface DigitChain {
  readonly start: number;
  readonly end: number;
  /** Digits in the whole chain. */
  readonly digits: number;
  readonly groups: readonly { readonly start: number; readonly end: number }[];
}

const SSN_DIGITS = 9;
const PIN_DIGITS = 5;
const JOINER = /^[-\s]+$/;
/** `900.11.1001` is not what the parser takes, but nobody would mistake it for anything else. */
const DOTTED_SSN = /(?<![\d.])\d{3}\.\d{2}\.\d{4}(?![\d]|\.\d)/g;

export function digitChains(text: string): DigitChain[] {
  const chains: DigitChain[] = [];
  let current: { start: number; end: number }[] = [];
  const flush = (): void => {
    const first = current[0];
    const last = current.at(-1);
    if (first !== undefined && last !== undefined) {
      chains.push({ start: first.start, end: last.end, digits: current.reduce((n, g) => n + g.end - g.start, 0), groups: current });
    }
    current = [];
  };
  for (const match of text.matchAll(/\d+/g)) {
    const group = { start: match.index, end: match.index + match[0].length };
    const previous = current.at(-1);
    if (previous !== undefined && !JOINER.test(text.slice(previous.end, group.start))) flush();
    current.push(group);
  }
  flush();
  return chains;
}

/** Every SSN or PIN the parsers would accept, sorted and merged (an SSN wins an overlap). */
export function findSensitiveSpans(text: string): SensitiveSpan[] {
  const spans: SensitiveSpan[] = [];
  for (const chain of digitChains(text)) {
    const { groups } = chain;
    // Consecutive groups holding exactly nine digits: a sliding window, every group is non-empty.
    let from = 0;
    let sum = 0;
    for (let to = 0; to < groups.length; to++) {
      const group = groups[to];
      if (group === undefined) break;
      sum += group.end - group.start;
      while (sum > SSN_DIGITS && from < to) {
        const dropped = groups[from];
        sum -= dropped === undefined ? 0 : dropped.end - dropped.start;
        from++;
      }
      const first = groups[from];
      if (sum === SSN_DIGITS && first !== undefined) spans.push({ start: first.start, end: group.end, kind: 'ssn' });
    }
    for (const group of groups) {
      if (group.end - group.start === PIN_DIGITS) spans.push({ start: group.start, end: group.end, kind: 'pin' });
    }
  }
  for (const match of text.matchAll(DOTTED_SSN)) spans.push({ start: match.index, end: match.index + match[0].length, kind: 'ssn' });
  return merge(spans);
}

function merge(spans: SensitiveSpan[]): SensitiveSpan[] {
  const sorted = [...spans].sort((a, b) => a.start - b.start || b.end - a.end);
  const merged: SensitiveSpan[] = [];
  for (const span of sorted) {
    const last = merged.at(-1);
    if (last !== undefined && span.start < last.end) {
      merged[merged.length - 1] = { start: last.start, end: Math.max(last.end, span.end), kind: last.kind === 'ssn' || span.kind === 'ssn' ? 'ssn' : 'pin' };
    } else {
      merged.push(span);
    }
  }
  return merged;
}

function replaceSpans(text: string, replace: (span: SensitiveSpan, original: string) => string): string {
  let out = '';
  let at = 0;
  for (const span of findSensitiveSpans(text)) {
    out += text.slice(at, span.start) + replace(span, text.slice(span.start, span.end));
    at = span.end;
  }
  return out + text.slice(at);
}

/**
 * For transcripts a parent may read back (the Direct Line echo): every digit of an SSN or PIN
 * becomes a dot and the separators stay, so the chat shows the shape but never the number.
 */
export function maskSensitive(text: string): string {
  return replaceSpans(text, (_span, original) => original.replace(/\d/g, '•'));
}

/**
 * For logs: SSNs and PINs become labels, and so does any other standalone run of four to six
 * digits (a mistyped PIN is still a PIN), except in dates and amounts.
 */
export function redactText(text: string): string {
  return replaceSpans(text, (span) => `[redacted-${span.kind}]`).replace(/(?<![\d$.,-])\d{4,6}(?![\d.,-])/g, '[redacted-number]');
}

/** True when the text holds anything `normalizeSsn` would accept. */
export function containsSsn(text: string): boolean {
  return findSensitiveSpans(text).some((span) => span.kind === 'ssn');
}

/**
 * The stored Direct Line echo of what the parent typed: SSNs and PINs as above, and a message that
 * is only a 6-digit sign-in code (spaces or dashes allowed, as the chat accepts it), which proves a
 * sign-in for five minutes and must not sit in the transcript either.
 */
export function maskTranscript(text: string): string {
  if (/^[\d\s-]+$/.test(text) && text.replace(/[\s-]/g, '').length === 6 && /^\d{6}$/.test(text.replace(/[\s-]/g, ''))) {
    return text.replace(/\d/g, '•');
  }
  return maskSensitive(text);
}
