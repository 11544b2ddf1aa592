/**
 * Reminder texts through Twilio's own REST client, keeping the MessageSid so the delivery status
 * Twilio posts later can be matched to the send. `apiUrl` (TWILIO_API_URL) points the client at a
 * Twilio-compatible base URL: tests and checks run a local fake there.
 */
import twilio from 'twilio';
import { RedirectingRequestClient, type TwilioHttpClient } from '../sms/twilio.js';
import type { ReminderSender } from './ReminderRunner.js';

export interface TwilioReminderOptions {
  readonly accountSid: string;
  readonly authToken: string;
  readonly apiUrl: string | null;
  /** Overrides `apiUrl` (tests hand in their own client). */
  readonly httpClient?: TwilioHttpClient | undefined;
}

export function twilioHttpClientFor(apiUrl: string | null, given?: TwilioHttpClient): TwilioHttpClient | undefined {
  if (given !== undefined) return given;
  return apiUrl === null ? undefined : new RedirectingRequestClient(apiUrl);
}

export function createTwilioReminderSender(options: TwilioReminderOptions): ReminderSender {
  const httpClient = twilioHttpClientFor(options.apiUrl, options.httpClient);
  const client = twilio(options.accountSid, options.authToken, httpClient === undefined ? {} : { httpClient });
  return {
    async send({ to, from, body, statusCallback }) {
      const message = await client.messages.create({ to, from, body, ...(statusCallback === null ? {} : { statusCallback }) });
      return { sid: typeof message.sid === 'string' ? message.sid : null };
    },
  };
}
