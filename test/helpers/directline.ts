/** A small Direct Line 3.0 client, as an outside peer would use our endpoint. */
import { Browser } from './browser.js';

export interface BotActivity {
  type: string;
  id?: string;
  text?: string;
  name?: string;
  value?: unknown;
  locale?: string;
  from?: { id: string; role?: string };
  channelData?: Record<string, unknown>;
  attachments?: unknown[];
}

export class DirectLineClient {
  private watermark = '';
  readonly seen: BotActivity[] = [];

  private constructor(
    readonly base: string,
    public token: string,
    readonly conversationId: string,
    /** `name=value` of the cookie the token route set (the chat's own browser), if it set one. */
    readonly browserCookie: string | null = null,
  ) {}

  static async start(base: string, locale?: string): Promise<DirectLineClient> {
    const res = await fetch(`${base}/api/directline/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(locale === undefined ? {} : { locale }),
    });
    if (res.status !== 200) throw new Error(`token endpoint answered ${res.status}`);
    const browserCookie = res.headers.getSetCookie().find((line) => line.startsWith('csa_browser='))?.split(';')[0] ?? null;
    const { token, conversationId } = (await res.json()) as { token: string; conversationId: string };
    const started = await fetch(`${base}/v3/directline/conversations`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}` },
    });
    if (started.status >= 300) throw new Error(`start answered ${started.status}`);
    const body = (await started.json()) as { token: string; conversationId: string };
    return new DirectLineClient(base, body.token, body.conversationId ?? conversationId, browserCookie);
  }

  /** A browser carrying this chat's cookie: the chat's own browser, where a sign-in completes at once. */
  ownBrowser(): Browser {
    if (this.browserCookie === null) throw new Error('the token route set no browser cookie');
    const browser = new Browser();
    browser.acceptCookie(this.browserCookie);
    return browser;
  }

  async send(text: string, extra: Record<string, unknown> = {}): Promise<string> {
    const res = await fetch(`${this.base}/v3/directline/conversations/${this.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${this.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', from: { id: 'someone' }, text, ...extra }),
    });
    if (res.status !== 200) throw new Error(`post answered ${res.status}`);
    return ((await res.json()) as { id: string }).id;
  }

  async sendEvent(name: string, value: unknown): Promise<void> {
    await this.send('', { type: 'event', name, value, text: undefined });
  }

  /** New activities from the bot since the last call. */
  async poll(): Promise<BotActivity[]> {
    const q = this.watermark === '' ? '' : `?watermark=${this.watermark}`;
    const res = await fetch(`${this.base}/v3/directline/conversations/${this.conversationId}/activities${q}`, {
      headers: { authorization: `Bearer ${this.token}` },
    });
    if (res.status !== 200) throw new Error(`get answered ${res.status}`);
    const body = (await res.json()) as { activities: BotActivity[]; watermark: string };
    this.watermark = body.watermark ?? this.watermark;
    const fromBot = body.activities.filter((a) => a.from?.role === 'bot' || a.from?.id !== body.activities[0]?.from?.id);
    this.seen.push(...body.activities);
    return fromBot.filter((a) => a.from?.role !== 'user');
  }

  /** Bot messages until one satisfies `until` (or time runs out). */
  async replies(until: (texts: string) => boolean = () => true, timeoutMs = 5000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let collected = '';
    while (Date.now() < deadline) {
      const batch = await this.poll();
      collected += batch
        .filter((a) => a.type === 'message')
        .map((a) => `${a.text ?? ''}\n${JSON.stringify(a.attachments ?? [])}\n`)
        .join('');
      if (collected !== '' && until(collected)) return collected;
      await new Promise((r) => setTimeout(r, 50));
    }
    return collected;
  }
}
