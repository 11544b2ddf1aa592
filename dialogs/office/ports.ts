/**
 * What the office-message flow needs from the outside to deliver an email. The dialogs compose the
 * email (they know the case and the office); the mail channel only carries it, so a test can hand
 * in any sender and the dialogs never import a transport.
 */

/** One email to an office, fully composed. */
export interface OfficeEmail {
  /** The outbox row's id: the delivery's idempotency handle and the `.eml` file name. */
  readonly id: number;
  readonly to: string;
  readonly subject: string;
  readonly text: string;
}

export interface OfficeMailer {
  /** Resolves once the email is handed over; rejects (ideally with a `code`) when it was not. */
  send(email: OfficeEmail): Promise<void>;
}
