import { describe, expect, it } from '@jest/globals';
import { TestAdapter, TurnContext } from 'botbuilder';
import { resolveTurnLocale, sessionOf } from '../../../dialogs/language/turnLanguage.js';

describe('resolveTurnLocale', () => {
  it('lets an explicit choice win over the channel locale', () => {
    expect(resolveTurnLocale('zh-Hans', 'en-US')).toBe('zh-Hans');
    expect(resolveTurnLocale('es', 'zh-CN')).toBe('es');
  });

  it('follows the activity locale otherwise, defaulting to English', () => {
    expect(resolveTurnLocale(undefined, 'zh-CN')).toBe('zh-Hans');
    expect(resolveTurnLocale(undefined, 'es-US')).toBe('es');
    expect(resolveTurnLocale(undefined, 'fr-FR')).toBe('en');
    expect(resolveTurnLocale(undefined, undefined)).toBe('en');
  });
});

describe('sessionOf', () => {
  it('falls back to the activity locale when no bot attached a session', async () => {
    const context = new TurnContext(new TestAdapter(), { type: 'message', text: 'x', locale: 'es-MX' });
    const session = sessionOf(context);
    expect(session.locale()).toBe('es');
    await session.chooseLanguage('zh-Hans');
    expect(sessionOf(context).locale()).toBe('zh-Hans');
  });
});
