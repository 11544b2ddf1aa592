import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { BAUDOT_SAFE, renderTty, ttyActivity } from '../../channels/text/tty.js';
import { readTtyInput } from '../../dialogs/text/ttyInput.js';

describe('TTY rendering', () => {
  it('folds any text onto the Baudot alphabet, uppercase, ending in GA', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 300 }), (text) => {
        const out = renderTty(text);
        expect(out).toMatch(BAUDOT_SAFE);
        expect(out).toMatch(/(^| )(GA|SK)$/);
      }),
      { numRuns: 300 },
    );
  });

  it('keeps money, dates and the helpline readable; drops links; keeps a closing SK', () => {
    const out = renderTty('Case ending 0404: $1,950.00 is owed to you — call 888-208-4485 or write caseworker@nyc.gov. Open https://x.example/signin/abc');
    expect(out).toContain('$1,950.00 IS OWED TO YOU - CALL 888-208-4485');
    expect(out).toContain('CASEWORKER AT NYC.GOV');
    expect(out).not.toContain('HTTP');
    expect(out.endsWith(' GA')).toBe(true);
    expect(renderTty('Goodbye. SK')).toBe('GOODBYE. SK');
    expect(renderTty('Señora Rodríguez')).toBe('SENORA RODRIGUEZ GA');
  });

  it('web chat in TTY mode keeps a sign-in link exactly as issued (its token is case-sensitive), in the text and from a card', () => {
    const url = 'http://127.0.0.1:3978/signin/aB3_x-Yz9QqLink0QQ_mixedCASE1234567890abcde';
    const out = ttyActivity({
      type: 'message',
      text: `Open this link: ${url}\nIt works for 10 minutes.`,
      attachments: [{ contentType: 'application/vnd.microsoft.card.hero', content: { buttons: [{ type: 'openUrl', title: 'Sign in with NY.gov', value: url }] } }],
    });
    expect(out.text).toContain(`OPEN THIS LINK: ${url}\nIT WORKS FOR 10 MINUTES.`);
    expect(out.text?.endsWith(' GA')).toBe(true);
    expect(out.text?.replace(url, '')).toMatch(BAUDOT_SAFE);
    // By SMS to a TTY number links are still left out.
    expect(renderTty(`Open this link: ${url}`)).not.toContain('HTTP');
  });

  it('renders cards and suggested actions as plain numbered text', () => {
    const out = ttyActivity({ type: 'message', text: 'Mail a new PIN?', suggestedActions: { to: [], actions: [{ type: 'imBack', title: 'Yes', value: 'yes' }] } });
    expect(out.suggestedActions).toBeUndefined();
    expect(out.text).toBe('MAIL A NEW PIN?\n\nREPLY 1 FOR YES GA');
  });
});

describe('TTY input conventions', () => {
  it('reads GA, Q and QQ, and XXX', () => {
    expect(readTtyInput('BALANCE GA', false)).toEqual({ text: 'BALANCE', goAhead: true, signOff: false, ttyRequest: false });
    expect(readTtyInput('WHAT DO I OWE Q GA', false).text).toBe('WHAT DO I OWE?');
    expect(readTtyInput('WHAT DO I OWE QQ', true).text).toBe('WHAT DO I OWE?');
    expect(readTtyInput('BALNCE XXX BALANCE GA', false).text).toBe('BALANCE');
    // Outside TTY mode a lone Q is just a letter.
    expect(readTtyInput('plan Q', false).text).toBe('plan Q');
  });

  it('reads SK, GA TO SK and SKSK as the end of the conversation', () => {
    for (const text of ['SK', 'THANKS SK', 'GA TO SK', 'thank you sksk']) expect(readTtyInput(text, true).signOff).toBe(true);
    expect(readTtyInput('ASK', true).signOff).toBe(false);
    expect(readTtyInput('THANKS SK', true).text).toBe('THANKS');
  });

  it('reads "TTY" alone as a request for TTY mode', () => {
    expect(readTtyInput('tty', false).ttyRequest).toBe(true);
    expect(readTtyInput('TTY GA', false).ttyRequest).toBe(true);
    expect(readTtyInput('what is tty', false).ttyRequest).toBe(false);
  });
});
