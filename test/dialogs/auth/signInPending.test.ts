/**
 * Issue 10 item 6: while a sign-in was pending, "agent", "talk to a person", off-topic text and a
 * long worried message each got one more sign-in link (nine piled up). Against the real sign-in
 * service on the seeded database: one URL in every reply, and a person-request gets the helpline
 * and the office email option, in English, Chinese and Spanish.
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Activity } from 'botbuilder';
import { DEV_SESSION_SECRET } from '../../../config.js';
import { SignInService } from '../../../channels/signin/SignInService.js';
import { sayIn } from '../../../dialogs/messages.js';
import type { Locale } from '../../../locales/i18n.js';
import { createWorld, joined, openChat, texts, type World } from '../support/account.js';

const BASE = 'https://assistant.example.test';
const HELPLINE = '888-208-4485';
const TTY = '866-875-9975';

let world: World;

beforeAll(async () => {
  world = await createWorld(undefined, 'pglite', {
    signIn: ({ database, clock }) => new SignInService({ db: database.db, publicUrl: BASE, secret: DEV_SESSION_SECRET, now: clock.now }),
    officeOutbox: { queue: async (): Promise<never> => Promise.reject(new Error('no office message is queued in these tests')) },
  });
});

afterAll(async () => {
  await world.database.close();
});

function urlsOf(replies: readonly Partial<Activity>[]): string[] {
  return [...joined(replies).matchAll(/https:\/\/assistant\.example\.test\/signin\/[\w-]+/g)].map((m) => m[0]);
}

interface Case {
  readonly locale: Locale;
  readonly chatLocale: string;
  readonly balance: string;
  readonly messages: readonly string[];
  readonly personRequests: readonly string[];
  readonly worried: string;
  readonly thanksBye: string;
}

const CASES: readonly Case[] = [
  {
    locale: 'en',
    chatLocale: 'en-US',
    balance: 'what is my balance',
    messages: ['agent', 'talk to a person', 'what is the weather', 'I have a question for a real person', 'hello?', 'pizza', 'ok', 'still there'],
    personRequests: ['agent', 'talk to a person', 'I have a question for a real person'],
    worried: 'I am so worried, they said they will take my license and I have not slept in days, what is going to happen to me and my kids',
    thanksBye: 'thx bye',
  },
  {
    locale: 'zh-Hans',
    chatLocale: 'zh-CN',
    balance: '我的余额是多少',
    messages: ['人工', '真人客服', '今天天气怎么样', '我想找工作人员', '你好？', '披萨', '好的', '还在吗'],
    personRequests: ['人工', '真人客服', '我想找工作人员'],
    worried: '我非常担心，他们说要吊销我的驾照，我好几天都睡不着了，我真的很害怕，不知道会发生什么',
    thanksBye: '谢谢，再见',
  },
  {
    locale: 'es',
    chatLocale: 'es-US',
    balance: 'cuál es mi saldo',
    messages: ['agente', 'hablar con un trabajador del caso', 'qué tiempo hace', 'quiero hablar con una persona', 'hola?', 'pizza', 'ok', 'sigue ahí'],
    personRequests: ['agente', 'hablar con un trabajador del caso', 'quiero hablar con una persona'],
    worried: 'Estoy muy preocupada, me dijeron que me van a quitar la licencia y no he dormido en días, qué va a pasar conmigo y con mis hijos',
    thanksBye: 'gracias, adios',
  },
];

describe.each(CASES)('a pending sign-in in $locale', ({ locale, chatLocale, balance, messages, personRequests, worried, thanksBye }) => {
  const say = sayIn(locale);

  it('nine_sign_in_links_piled_up: nine messages while pending all carry the one pending URL', async () => {
    const chat = openChat(world, chatLocale);
    const first = urlsOf(await chat.say(balance));
    expect(first).toHaveLength(1);
    const urls: string[] = [];
    for (const text of [...messages, worried]) {
      world.clock.advance(20_000);
      urls.push(...urlsOf(await chat.say(text)));
    }
    expect(urls.length).toBeGreaterThanOrEqual(9);
    expect(new Set([...first, ...urls])).toEqual(new Set(first));
  });

  it('a person-request while pending gets the helpline and the office email option, and the same link once', async () => {
    const chat = openChat(world, chatLocale);
    const [url] = urlsOf(await chat.say(balance));
    for (const text of personRequests) {
      const replies = await chat.say(text);
      const words = texts(replies);
      expect(words[0]).toBe(say('office.person'));
      expect(words[0]).toContain(HELPLINE);
      expect(words[0]).toContain(TTY);
      expect(words[0]).toContain(say('commands.contact_office'));
      expect(urlsOf(replies)).toEqual([url]);
      expect(words[1]).toBe(say('auth.sign_in_still', { url: url ?? '', count: 10 }));
    }
  });

  it('a long worried message while pending gets a calm answer with the helpline and the same link', async () => {
    const chat = openChat(world, chatLocale);
    const [url] = urlsOf(await chat.say(balance));
    const replies = await chat.say(worried);
    expect(texts(replies)).toEqual([say('auth.sign_in_worried', { url: url ?? '', count: 10 })]);
    expect(texts(replies)[0]).toContain(HELPLINE);
  });

  it('thanks and bye while pending is answered with a goodbye, not the link again, and the wait goes on', async () => {
    const chat = openChat(world, chatLocale);
    const [url] = urlsOf(await chat.say(balance));
    const replies = await chat.say(thanksBye);
    expect(texts(replies)).toEqual([say('goodbye.reply')]);
    expect(urlsOf(replies)).toEqual([]);
    expect(urlsOf(await chat.say(messages[0] ?? ''))).toEqual([url]);
  });

  it('a person-request with no sign-in pending gets the helpline, and no sign-in link', async () => {
    const chat = openChat(world, chatLocale);
    for (const text of personRequests) {
      const replies = await chat.say(text);
      expect(texts(replies)).toEqual([say('office.person')]);
      expect(urlsOf(replies)).toEqual([]);
    }
  });
});

it('"email my office" still starts the office message flow (a sign-in first), not the helpline answer', async () => {
  const chat = openChat(world, 'en-US');
  const replies = await chat.say('email my office');
  expect(texts(replies)).not.toContain(sayIn('en')('office.person'));
  expect(urlsOf(replies)).toHaveLength(1);
});
