import { describe, expect, it } from '@jest/globals';
import { LOCALES, translator } from '../../locales/i18n.js';

describe('conversation texts', () => {
  it.each([...LOCALES])('%s names the helpline and the TTY line wherever it sends parents to them', (locale) => {
    const t = translator(locale);
    for (const key of ['errors.generic', 'pin.help', 'account.unavailable']) {
      const text = t(key);
      expect(text).toContain('888-208-4485');
      expect(text).toContain('866-875-9975');
    }
  });

  it.each([...LOCALES])('%s texts are really in that language', (locale) => {
    const text = translator(locale)('welcome.intro');
    if (locale === 'zh-Hans') expect(text).toMatch(/\p{Script=Han}/u);
    if (locale === 'es') expect(text).toMatch(/manutención/);
    if (locale === 'en') expect(text).toMatch(/child support/);
  });

  it('answers a language switch in the language chosen', () => {
    expect(translator('zh-Hans')('language.changed')).toContain('中文');
    expect(translator('es')('language.changed')).toContain('español');
    expect(translator('en')('language.changed')).toContain('English');
  });
});
