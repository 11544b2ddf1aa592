/**
 * What the office-message flow needs from the outside. The dialog only queues a message and tells
 * the parent its reference; a worker started by the composition root composes and delivers it, so
 * a slow or failing mail server never holds up a turn, and the dialogs never import a transport.
 */
import type { OfficeChannelKind } from '../../db/repositories/officeMessages.js';

/** One email to an office, fully composed. */
export interface OfficeEmail {
  /** `OCS-7K3QH`: the `.eml` file name and the Message-ID, so a resend is the same message. */
  readonly reference: string;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

export interface OfficeMailer {
  /** Resolves once the email is handed over; rejects (ideally with a `code`) when it was not. */
  send(email: OfficeEmail): Promise<void>;
}

/** A confirmed message, as the dialog hands it over. */
export interface OfficeMessageRequest {
  /** Names this confirmation: the same key twice queues one message. */
  readonly idempotencyKey: string;
  readonly officeId: string;
  readonly personId: string;
  readonly caseNumber: string;
  /** The activity's channel id. */
  readonly channel: string;
  readonly channelKind: OfficeChannelKind;
  readonly locale: string;
  readonly body: string;
}

export interface QueuedOfficeMessageRef {
  readonly id: number;
  readonly reference: string;
  /** False when this confirmation had already queued it. */
  readonly created: boolean;
}

export interface OfficeOutbox {
  /** Stores the message for delivery (once per idempotency key) and wakes the worker. */
  queue(request: OfficeMessageRequest): Promise<QueuedOfficeMessageRef>;
}
