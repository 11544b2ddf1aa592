/**
 * `sayIn` keeps one sayer per locale and wording and remembers texts without variables: the
 * remembered text must be exactly what i18next renders, and a call with variables must never be
 * answered from (or pollute) what was remembered.
 */
import { describe, expect, it } from '@jest/globals';
import { helpText, sayIn } from '../../dialogs/messages.js';
import { LOCALES, translator } from '../../locales/i18n.js';

describe('sayIn remembers fixed texts only', () => {
  it('gives the same text as i18next, first and second time, in every language and wording', () => {
    for (const locale of LOCALES) {
      const t = translator(locale);
      for (const wording of ['any', 'sms'] as const) {
        const say = sayIn(locale, wording);
        const context = wording === 'sms' ? { context: 'sms' } : {};
        const expected = t('help.cancel', { cancel: t('commands.cancel', context), ...context });
        expect([locale, wording, say('help.cancel')]).toEqual([locale, wording, expected]);
        expect(say('help.cancel')).toBe(expected);
      }
    }
    // The SMS wording never names the carrier keyword "cancel".
    expect(sayIn('en', 'sms')('help.cancel')).not.toBe(sayIn('en', 'any')('help.cancel'));
  });

  it('fills variables on every call, whatever was remembered for the same key', () => {
    const say = sayIn('en');
    const bare = say('help.item');
    const first = say('help.item', { command: 'balance', description: 'your balance' });
    const second = say('help.item', { command: 'menu', description: 'the menu' });
    expect(first).toContain('balance');
    expect(second).toContain('the menu');
    expect(second).not.toContain('balance');
    expect(say('help.item')).toBe(bare);
  });

  it('answers help in the language asked, each time the same', () => {
    expect(helpText('es')).toBe(helpText('es'));
    expect(helpText('es')).not.toBe(helpText('en'));
    expect(helpText('zh-Hans', 'menu')).not.toBe(helpText('zh-Hans', 'help'));
    expect(helpText('en', 'help', 'sms')).not.toBe(helpText('en', 'help', 'any'));
  });
});
