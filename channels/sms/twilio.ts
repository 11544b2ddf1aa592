/**
 * Outgoing SMS through Twilio's own REST client, so retries, auth and the wire format are
 * Twilio's. The client's `httpClient` is the seam: tests (and a Twilio-compatible gateway) point it
 * at another base URL with `RedirectingRequestClient`, and everything else stays real.
 */
import twilio from 'twilio';
import type RequestClient from 'twilio/lib/base/RequestClient.js';

export interface OutgoingSms {
  readonly to: string;
  readonly from: string;
  readonly body: string;
}

export interface SmsSender {
  send(message: OutgoingSms): Promise<void>;
}

export interface TwilioSenderOptions {
  readonly accountSid: string;
  readonly authToken: string;
  readonly httpClient?: TwilioHttpClient | undefined;
}

export function createTwilioSender(options: TwilioSenderOptions): SmsSender {
  const client = twilio(options.accountSid, options.authToken, options.httpClient === undefined ? {} : { httpClient: options.httpClient });
  return {
    async send({ to, from, body }) {
      await client.messages.create({ to, from, body });
    },
  };
}

/** Twilio's request client with every call sent to `baseUrl` instead of `*.twilio.com`. */
export class RedirectingRequestClient extends twilio.RequestClient {
  private readonly base: URL;

  constructor(baseUrl: string) {
    super();
    this.base = new URL(baseUrl);
  }

  override request<TData>(opts: RequestClient.RequestOptions<TData>) {
    const target = new URL(opts.uri);
    target.protocol = this.base.protocol;
    target.host = this.base.host;
    return super.request<TData>({ ...opts, uri: target.href });
  }
}

/** The seam `createTwilioSender` takes: Twilio's own request client or a subclass of it. */
export type TwilioHttpClient = twilio.RequestClient;
