/**
 * `POST /api/sms/status`: Twilio's delivery status callback for reminder texts. Signed like the
 * incoming-message webhook (over `PUBLIC_URL + /api/sms/status`); the status is recorded by
 * MessageSid and nothing else of the request is kept.
 */
import type { Kysely } from 'kysely';
import { recordDeliveryStatus } from '../../db/repositories/reminders.js';
import { loadTwilio } from '../sms/routes.js';
import type { Database } from '../../db/schema.js';
import { requestLog, type Request, type Response, type Server } from '../server.js';

export const SMS_STATUS_PATH = '/api/sms/status';

const STATUS = /^[a-z_-]{1,32}$/;

export interface StatusRouteDeps {
  readonly db: Kysely<Database>;
  readonly authToken: string | null;
  readonly publicUrl: string;
  readonly now: () => Date;
}

function fieldsOf(req: Request): Record<string, string> {
  const body: unknown = req.body;
  const out: Record<string, string> = {};
  if (typeof body !== 'object' || body === null) return out;
  for (const [key, value] of Object.entries(body as Record<string, unknown>)) if (typeof value === 'string') out[key] = value;
  return out;
}

export function registerSmsStatusRoute(server: Server, deps: StatusRouteDeps): void {
  server.post(SMS_STATUS_PATH, async (req: Request, res: Response) => {
    try {
      if (deps.authToken === null) {
        res.send(503, { error: { code: 'sms_unavailable', message: 'SMS is not configured' } });
        return;
      }
      const signature = req.header('x-twilio-signature');
      if (signature === undefined || signature === '') {
        res.send(400, { error: { code: 'bad_request', message: 'X-Twilio-Signature is required' } });
        return;
      }
      const fields = fieldsOf(req);
      const twilio = await loadTwilio();
      if (!twilio.validateRequest(deps.authToken, signature, `${deps.publicUrl}${req.url ?? SMS_STATUS_PATH}`, fields)) {
        requestLog(res).warn({ code: 'sms_status_signature_invalid' }, 'SMS status callback with a wrong signature refused');
        res.send(403, { error: { code: 'forbidden', message: 'the signature does not match' } });
        return;
      }
      const sid = fields.MessageSid ?? fields.SmsSid;
      const status = (fields.MessageStatus ?? fields.SmsStatus ?? '').toLowerCase();
      if (sid === undefined || !/^[A-Z]{2}[0-9a-f]{32}$/i.test(sid) || !STATUS.test(status)) {
        res.send(400, { error: { code: 'bad_request', message: 'MessageSid and MessageStatus are required' } });
        return;
      }
      const errorCode = fields.ErrorCode !== undefined && /^\d{1,6}$/.test(fields.ErrorCode) ? `twilio_${fields.ErrorCode}` : null;
      const known = await recordDeliveryStatus(deps.db, sid, status, errorCode, deps.now());
      if (!known) requestLog(res).info({ code: 'sms_status_unknown_sid' }, 'status for a message that is not a reminder');
      res.send(204);
    } catch (error) {
      requestLog(res).error({ code: 'sms_status_failed', err: { name: error instanceof Error ? error.name : typeof error } }, 'SMS status callback failed');
      res.send(500, { error: { code: 'internal', message: 'the status could not be recorded' } });
    }
  });
}
