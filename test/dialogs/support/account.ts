/**
 * What the account-flow tests share: a seeded database, a clock the test moves, a sign-in edge that
 * follows the SignInPort contract (one-time, bound to a conversation, null for anything else), and
 * the whole bot on database storage with its log captured, driven through TestAdapter.
 */
import { randomUUID } from 'node:crypto';
import { ConversationState, TestAdapter, UserState, type Activity, type ConversationReference } from 'botbuilder';
import { Kysely, PostgresAdapter, PostgresIntrospector, PostgresQueryCompiler, type Driver } from 'kysely';
import { ChildSupportBot } from '../../../bots/ChildSupportBot.js';
import { createStateAccessors } from '../../../bots/state.js';
import { createLogger, type Logger } from '../../../channels/logger.js';
import { TtyRenderingMiddleware } from '../../../channels/text/TtyRenderingMiddleware.js';
import type { Database } from '../../../db/schema.js';
import { seedDemoIfEmpty } from '../../../db/seed.js';
import { DatabaseStorage } from '../../../db/storage.js';
import { SIGN_IN_COMPLETED_EVENT, type SignInCodeResult, type SignInIdentity, type SignInPort } from '../../../dialogs/auth/ports.js';
import { MainDialog } from '../../../dialogs/MainDialog.js';
import type { DocumentPort } from '../../../dialogs/documents/ports.js';
import type { OfficeOutbox } from '../../../dialogs/office/ports.js';
import { sayIn } from '../../../dialogs/messages.js';
import { resolveLocale } from '../../../locales/i18n.js';
import { IntentRecognizer } from '../../../dialogs/recognizer/IntentRecognizer.js';
import type { Recognizer } from '../../../dialogs/recognizer/Recognizer.js';
import { createTestDatabase, type DatabaseKind, type TestDatabase } from '../../helpers/database.js';

export const SSN_HMAC_KEY = 'test-ssn-hmac-key';
export const ISSUER = 'https://nygov.example.test';
export const START = new Date('2026-11-21T15:00:00Z');

export const MARIA = { personId: 'P-1001', ssn: '900-11-1001', pin: '24680', subject: 'nygov-0001' } as const;
export const JAMES = { personId: 'P-1002', ssn: '900-11-1002', pin: '13579', subject: 'nygov-0002' } as const;
export const WEI = { personId: 'P-1003', ssn: '900-11-1003', pin: '86420', subject: 'nygov-0003' } as const;
export const ROBERT = { personId: 'P-1006', ssn: '900-11-1006', pin: '44556', subject: 'nygov-0006' } as const;
export const NEW_USER_SUBJECT = 'nygov-0100';

export class Clock {
  private current = new Date(START);
  readonly now = (): Date => new Date(this.current);
  advance(ms: number): void {
    this.current = new Date(this.current.getTime() + ms);
  }
}

interface PendingSignIn {
  readonly conversationId: string;
  readonly expiresAt: Date;
  identity?: SignInIdentity;
  taken: boolean;
  /** Finished outside the chat's own browser: only this code (typed in the chat) takes it. */
  code?: string;
  completedAt?: Date;
  wrongCodes: number;
}

/** Like the real edge: a request completes once, for its own conversation, before it expires. */
export class FakeSignIn implements SignInPort {
  readonly requests = new Map<string, PendingSignIn>();
  links = 0;

  constructor(private readonly clock: Clock) {}

  async createLink(request: Parameters<SignInPort['createLink']>[0]): Promise<{ url: string; expiresAt: Date }> {
    const id = randomUUID();
    const conversationId = request.conversation.conversation?.id ?? '';
    const expiresAt = new Date(this.clock.now().getTime() + 10 * 60_000);
    this.requests.set(id, { conversationId, expiresAt, taken: false, wrongCodes: 0 });
    this.links += 1;
    return { url: `https://assistant.example.test/signin/${id}`, expiresAt };
  }

  /** The parent finishes signing in on the identity provider for the latest link of a conversation. */
  complete(conversationId: string, subject: string): string {
    const entry = [...this.requests.entries()].reverse().find(([, r]) => r.conversationId === conversationId);
    if (entry === undefined) throw new Error('no sign-in link was sent to this conversation');
    entry[1].identity = { issuer: ISSUER, subject };
    entry[1].completedAt = this.clock.now();
    return entry[0];
  }

  /** The sign-in finished in another browser: returns the code its page showed. */
  completeElsewhere(conversationId: string, subject: string, code = '482913'): string {
    const id = this.complete(conversationId, subject);
    const request = this.requests.get(id);
    if (request !== undefined) request.code = code;
    return code;
  }

  /** Like the real edge: right code once, five wrong ones end it, 5 minutes from completion. */
  async checkCode(conversationId: string, code: string): Promise<SignInCodeResult> {
    const now = this.clock.now().getTime();
    const waiting = [...this.requests.values()].filter(
      (r) => r.conversationId === conversationId && r.code !== undefined && !r.taken && r.wrongCodes < 5 && r.completedAt !== undefined && r.completedAt.getTime() > now - 5 * 60_000,
    );
    const right = waiting.find((r) => r.code === code);
    if (right?.identity !== undefined) {
      right.taken = true;
      return { outcome: 'verified', identity: right.identity };
    }
    if (waiting.length === 0) return { outcome: 'none' };
    for (const r of waiting) r.wrongCodes += 1;
    return { outcome: 'wrong', ended: waiting.every((r) => r.wrongCodes >= 5) };
  }

  async takeCompleted(requestId: string, conversationId: string): Promise<SignInIdentity | null> {
    const request = this.requests.get(requestId);
    if (request === undefined || request.taken || request.identity === undefined || request.code !== undefined) return null;
    if (request.conversationId !== conversationId || request.expiresAt <= this.clock.now()) return null;
    request.taken = true;
    return request.identity;
  }
}

export interface World {
  readonly database: TestDatabase;
  readonly clock: Clock;
  readonly signIn: FakeSignIn;
  readonly logger: Logger;
  /** Every line the bot logged. */
  readonly logLines: string[];
  readonly dialog: MainDialog;
  readonly bot: ChildSupportBot;
}

/**
 * A seeded database with a bot on it. Passing the world of an earlier call builds a new bot, state
 * and storage on the same database and clock: what a restart (or a second instance) looks like.
 * `kind`: the database for a new world (PostgreSQL only when the run provides one).
 * It recognizes with the recognizer the bot runs with, unless a test passes another in `extra`.
 */
export async function createWorld(
  previous?: World,
  kind: DatabaseKind = 'pglite',
  extra: {
    documents?: (world: Pick<World, 'database' | 'clock'>) => DocumentPort;
    recognizer?: Recognizer;
    /** The real sign-in service (say) instead of the fake one the world keeps. */
    signIn?: (world: Pick<World, 'database' | 'clock'>) => SignInPort;
    officeOutbox?: OfficeOutbox;
  } = {},
): Promise<World> {
  const database = previous?.database ?? (await createTestDatabase(kind));
  const recognizer = extra.recognizer ?? new IntentRecognizer();
  if (previous === undefined) await seedDemoIfEmpty(database.db, { ssnHmacKey: SSN_HMAC_KEY });
  const clock = previous?.clock ?? new Clock();
  const signIn = previous?.signIn ?? new FakeSignIn(clock);
  const logLines: string[] = [];
  const logger = createLogger({ level: 'trace', destination: { write: (line: string) => void logLines.push(line) } });
  const storage = new DatabaseStorage(database.db);
  const conversationState = new ConversationState(storage);
  const userState = new UserState(storage);
  const dialog = new MainDialog({
    recognizer,
    logger,
    db: database.db,
    signIn: extra.signIn === undefined ? signIn : extra.signIn({ database, clock }),
    ssnHmacKey: SSN_HMAC_KEY,
    now: clock.now,
    ...(extra.documents === undefined ? {} : { documents: extra.documents({ database, clock }) }),
    ...(extra.officeOutbox === undefined ? {} : { officeOutbox: extra.officeOutbox }),
  });
  const bot = new ChildSupportBot({
    conversationState,
    userState,
    accessors: createStateAccessors(conversationState, userState),
    dialog,
    logger,
  });
  return { database, clock, signIn, logger, logLines, dialog, bot };
}

export interface Chat {
  readonly conversationId: string;
  /** Every activity the bot sent in this chat, in order. */
  readonly transcript: Partial<Activity>[];
  say(text: string): Promise<Partial<Activity>[]>;
  /** The sign-in edge's completion event, as the edge sends it. */
  event(value: unknown): Promise<Partial<Activity>[]>;
  /** Completes the latest sign-in link of this chat as `subject` and delivers the event. */
  signInAs(subject: string): Promise<Partial<Activity>[]>;
}

/**
 * A new conversation on the same bot and database: what a second browser tab or device gets.
 * `channelId` 'sms' makes it a text-only conversation, as a Twilio SMS one is.
 */
export function openChat(world: World, locale = 'en-US', conversationId = `conv-${randomUUID()}`, channelId = 'test'): Chat {
  const reference: Partial<ConversationReference> = { ...TestAdapter.createConversation(conversationId, 'user1', 'bot'), channelId };
  const adapter = new TestAdapter(reference as ConversationReference);
  // A channel renders TTY turns (SMS in its own adapter, which this stand-in does not model).
  if (channelId !== 'sms') adapter.use(new TtyRenderingMiddleware());
  const transcript: Partial<Activity>[] = [];
  const turn = async (activity: Partial<Activity>): Promise<Partial<Activity>[]> => {
    adapter.activeQueue.splice(0);
    await adapter.processActivity({ locale, ...activity }, (context) => world.bot.run(context));
    const replies = adapter.activeQueue.splice(0);
    transcript.push(...replies);
    return replies;
  };
  const event = (value: unknown) => turn({ type: 'event', name: SIGN_IN_COMPLETED_EVENT, value });
  return {
    conversationId,
    transcript,
    say: (text) => turn({ type: 'message', text }),
    event,
    signInAs: (subject) => event({ requestId: world.signIn.complete(conversationId, subject) }),
  };
}

/**
 * What each message says in words. A table answer on a channel that shows cards carries only a
 * summary as its text; the whole answer is the card's fallback text, so that is what counts here.
 */
export function texts(replies: readonly Partial<Activity>[]): string[] {
  return replies.filter((r) => r.type === 'message').map((r) => cardFallback(r) ?? r.text ?? '');
}

function cardFallback(reply: Partial<Activity>): string | undefined {
  const content: unknown = reply.attachments?.[0]?.content;
  const fallback = typeof content === 'object' && content !== null ? (content as { fallbackText?: unknown }).fallbackText : undefined;
  return typeof fallback === 'string' ? fallback : undefined;
}

export function joined(replies: readonly Partial<Activity>[]): string {
  return texts(replies).join('\n');
}

/** Signs `person` in on a new chat, linking first if this identity was never linked. */
export async function signedInChat(
  world: World,
  person: { ssn: string; pin: string; subject: string },
  locale = 'en-US',
): Promise<{ chat: Chat; firstBalance: Partial<Activity>[] }> {
  const chat = openChat(world, locale);
  await chat.say(locale.startsWith('zh') ? '余额' : locale.startsWith('es') ? 'saldo' : 'balance');
  let replies = await chat.signInAs(person.subject);
  if (texts(replies).includes(sayIn(resolveLocale(locale))('linking.ask_ssn'))) {
    await chat.say(person.ssn);
    replies = await chat.say(person.pin);
  }
  return { chat, firstBalance: replies };
}

/**
 * A database that fails any query: for tests of paths that must never reach the database (an
 * accidental query fails the test loudly instead of passing on an empty result).
 */
export function unreachableDatabase(): Kysely<Database> {
  const refuse = (): never => {
    throw new Error('this test must not reach the database');
  };
  const driver: Driver = {
    init: async () => undefined,
    acquireConnection: async () => refuse(),
    beginTransaction: async () => refuse(),
    commitTransaction: async () => refuse(),
    rollbackTransaction: async () => refuse(),
    releaseConnection: async () => undefined,
    destroy: async () => undefined,
  };
  return new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => driver,
      createIntrospector: (db) => new PostgresIntrospector(db),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
}
