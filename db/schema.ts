/**
 * Kysely table types for the whole domain. Money is integer cents; calendar dates are `YYYY-MM-DD`
 * strings (the connection keeps `date` columns as text so no time zone can shift a due date);
 * instants are `timestamptz` read as `Date`.
 */
import type { ColumnType, Generated, Insertable, JSONColumnType, Selectable } from 'kysely';
import type { Locale } from '../locales/i18n.js';

/** A timestamptz column: written as Date or ISO string, read as Date, defaulting to now(). */
type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Instant = ColumnType<Date, Date | string, Date | string>;
type NullableInstant = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type Role = 'custodial' | 'noncustodial';
export type Frequency = 'weekly' | 'biweekly' | 'monthly';
export type LedgerType = 'charge' | 'payment' | 'adjustment';
export type PaymentSource = 'income_withholding' | 'direct_payment' | 'tax_refund_offset' | 'unemployment_benefits';
export type DisbursementMethod = 'direct_deposit' | 'debit_card' | 'check';
/** The languages are the folders under `locales/`, listed once in `locales/i18n.ts`. */
export type { Locale };

export interface MailingAddress {
  line1: string;
  line2?: string;
  city: string;
  state: string;
  zip: string;
}

export interface DataExtractTable {
  id: Generated<number>;
  format: string;
  asOf: string;
  loadedAt: CreatedAt;
}

export interface OfficesTable {
  id: string;
  name: string;
  borough: string;
  email: string;
  phone: string;
  address: string;
  hours: string;
}

export interface PeopleTable {
  id: string;
  firstName: string;
  lastName: string;
  nativeFirstName: string | null;
  nativeLastName: string | null;
  /** Keyed HMAC-SHA-256 of the 9 SSN digits, hex. The SSN itself is never stored. */
  ssnHmac: string;
  dateOfBirth: string;
  preferredLanguage: Locale;
  phone: string | null;
  email: string | null;
  mailingAddress: JSONColumnType<MailingAddress>;
  prefersTty: boolean;
}

export interface AccountPinsTable {
  personId: string;
  /** scrypt password hash (`scrypt$N$r$p$salt$hash`); the PIN itself is never stored. */
  pinHash: string;
  failedAttempts: Generated<number>;
  lockedUntil: NullableInstant;
  updatedAt: CreatedAt;
}

export interface CasesTable {
  caseNumber: string;
  officeId: string;
  orderAmountCents: number;
  orderFrequency: Frequency;
  orderStartDate: string;
  balanceCents: number;
  nextDueDate: string | null;
  nextDueAmountCents: number | null;
}

/** Who is on a case and in which role; every account query is scoped through this table. */
export interface CasePartiesTable {
  caseNumber: string;
  personId: string;
  role: Role;
}

export interface ChildrenTable {
  caseNumber: string;
  seq: number;
  firstName: string;
  birthYear: number;
}

export interface LedgerEntriesTable {
  caseNumber: string;
  seq: number;
  entryDate: string;
  type: LedgerType;
  /** Charges positive, payments (credits) negative. */
  amountCents: number;
  description: string;
  paymentId: string | null;
}

export interface PaymentsTable {
  id: string;
  caseNumber: string;
  receivedOn: string;
  amountCents: number;
  source: PaymentSource;
}

export interface DisbursementsTable {
  id: string;
  caseNumber: string;
  paymentId: string | null;
  issuedOn: string;
  amountCents: number;
  method: DisbursementMethod;
}

/** A NY.gov identity, keyed by (issuer, subject), never by email; linked to a person once verified. */
export interface IdentityLinksTable {
  issuer: string;
  subject: string;
  personId: string | null;
  failedAttempts: Generated<number>;
  lockedUntil: NullableInstant;
  createdAt: CreatedAt;
  linkedAt: NullableInstant;
}

export interface BotStateTable {
  key: string;
  document: JSONColumnType<Record<string, unknown>>;
  etag: string;
  updatedAt: Instant;
}

export interface DlConversationsTable {
  id: string;
  userId: string;
  locale: string;
  /** The highest activity sequence number handed out; the watermark. */
  lastSeq: Generated<number>;
  started: Generated<boolean>;
  createdAt: CreatedAt;
  /** Keyed hash of the browser cookie that asked for the conversation's token; null for other clients. */
  browserHash: string | null;
}

export interface DlActivitiesTable {
  conversationId: string;
  seq: number;
  activity: JSONColumnType<Record<string, unknown>>;
  createdAt: CreatedAt;
}

export interface IssuedDocumentsTable {
  /** SHA-256 of the download token; the token itself only travels in the link. */
  tokenHash: string;
  personId: string;
  caseNumber: string | null;
  kind: string;
  params: JSONColumnType<Record<string, unknown>>;
  expiresAt: Instant;
  createdAt: CreatedAt;
  /** The language the parent asked in: the document and its refusal pages use it. */
  locale: Generated<string>;
  channel: string | null;
  /** Keyed hash of the chat's browser cookie (web chat); the link opens there without a sign-in. */
  browserHash: string | null;
  conversationHash: string | null;
}

/** A forwarded document link's NY.gov sign-in: state, nonce and PKCE verifier, server-side. */
export interface DocumentSignInsTable {
  state: string;
  tokenHash: string;
  nonce: string;
  codeVerifier: string;
  createdAt: CreatedAt;
  expiresAt: Instant;
  usedAt: NullableInstant;
}

/** A paper copy asked for in the chat (TTY): the office mails it; the id is the parent's reference. */
export interface DocumentMailRequestsTable {
  id: Generated<number>;
  personId: string;
  caseNumber: string | null;
  kind: string;
  params: JSONColumnType<Record<string, unknown>>;
  locale: string;
  channel: string;
  status: Generated<string>;
  createdAt: CreatedAt;
}

export interface OfficeMessagesTable {
  id: Generated<number>;
  officeId: string;
  personId: string;
  caseNumber: string | null;
  channel: string;
  body: string;
  status: Generated<'pending' | 'sent' | 'failed'>;
  attempts: Generated<number>;
  lastError: string | null;
  createdAt: CreatedAt;
  sentAt: NullableInstant;
  /** `OCS-7K3QH`: what the parent is told, and the email's Message-ID. */
  reference: string;
  /** One per confirmation: the same "yes" twice queues one message. */
  idempotencyKey: string | null;
  channelKind: Generated<'web' | 'sms' | 'tty'>;
  locale: Generated<string>;
  nextAttemptAt: ColumnType<Date, Date | string | undefined, Date | string>;
  /** While in the future, one worker holds the row; once past, any worker may take it again. */
  leaseUntil: NullableInstant;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: CreatedAt;
  action: string;
  outcome: string;
  personId: string | null;
  identityIssuer: string | null;
  identitySubject: string | null;
  channel: string | null;
  conversationHash: string | null;
  caseNumber: string | null;
  detail: JSONColumnType<Record<string, unknown>>;
}

export interface SignInRequestsTable {
  id: string;
  channel: string;
  conversationId: string;
  conversationRef: JSONColumnType<Record<string, unknown>>;
  locale: string;
  state: string | null;
  nonce: string | null;
  codeVerifier: string | null;
  createdAt: CreatedAt;
  expiresAt: Instant;
  openedAt: NullableInstant;
  completedAt: NullableInstant;
  issuer: string | null;
  subject: string | null;
  consumedAt: NullableInstant;
  /** Set when the sign-in finished outside the chat's own browser: sha256 of request id and code. */
  codeHash: string | null;
  /** Wrong codes typed so far; the fifth ends the request. */
  codeAttempts: Generated<number>;
  /**
   * The link token sealed with AES-256-GCM (key from the session secret), so a pending link can be
   * sent again unchanged; erased when the link is opened.
   */
  linkTokenSealed: string | null;
}

export interface VerifiedSessionsTable {
  id: string;
  conversationKey: string;
  personId: string;
  method: 'nygov' | 'ssn_pin';
  issuer: string | null;
  subject: string | null;
  createdAt: CreatedAt;
  lastSeenAt: ColumnType<Date, Date | string | undefined, Date | string>;
  expiresAt: Instant;
  endedAt: NullableInstant;
}

export interface PinMailRequestsTable {
  id: Generated<number>;
  personId: string;
  channel: string;
  status: Generated<string>;
  requestedAt: CreatedAt;
}

export interface SmsMessagesTable {
  messageSid: string;
  conversationId: string;
  receivedAt: CreatedAt;
}

export interface SmsOptOutsTable {
  phoneHash: string;
  optedOutAt: CreatedAt;
}

/** A numbered choice offered in the last text reply: what "1", "2"… stand for. */
export interface SmsChoice {
  number: number;
  value: string;
}

export interface SmsConversationsTable {
  id: string;
  parentNumber: string;
  ourNumber: string;
  choices: JSONColumnType<SmsChoice[]>;
  /** Pages of the last long reply not yet sent; "MORE" takes the next. */
  pages: JSONColumnType<string[]>;
  /** The verified session the saved choices and pages were produced under; null: nothing from an account. */
  replySessionId: ColumnType<string | null, string | null | undefined, string | null>;
  /** The language of the saved reply, for the answer when its session has ended. */
  replyLocale: ColumnType<string | null, string | null | undefined, string | null>;
  updatedAt: Instant;
}

export interface TextVerifyFailuresTable {
  conversationKey: string;
  failedAttempts: Generated<number>;
  lockedUntil: NullableInstant;
  updatedAt: Instant;
}

/** One fixed-window rate-limit counter; the key names the bucket, the client and the window. */
export interface RateLimitsTable {
  key: string;
  hits: Generated<number>;
  expiresAt: Instant;
}

/** A parent's agreement to reminder texts; never deleted, only ended. */
export interface ReminderConsentsTable {
  id: string;
  personId: string;
  phone: string;
  phoneHash: string;
  kind: 'due' | 'disbursement';
  locale: Locale;
  tty: Generated<boolean>;
  ourNumber: string | null;
  channel: string;
  wordsShown: string;
  agreedWith: string;
  consentedAt: Instant;
  endedAt: NullableInstant;
  endedVia: string | null;
}

export type ReminderSendKind = 'due' | 'overdue' | 'disbursement';
export type ReminderSendStatus = 'claimed' | 'sent' | 'failed' | 'dead';

export interface ReminderSendsTable {
  id: Generated<string>;
  consentId: string;
  personId: string;
  phoneHash: string;
  kind: ReminderSendKind;
  subject: string;
  status: ReminderSendStatus;
  attempts: Generated<number>;
  leaseUntil: NullableInstant;
  nextAttemptAt: NullableInstant;
  /** New York calendar day of the claim, `YYYY-MM-DD`. */
  day: string;
  messageSid: string | null;
  deliveryStatus: string | null;
  errorCode: string | null;
  createdAt: CreatedAt;
  updatedAt: Instant;
}

export interface Database {
  reminderConsents: ReminderConsentsTable;
  reminderSends: ReminderSendsTable;
  dataExtract: DataExtractTable;
  offices: OfficesTable;
  people: PeopleTable;
  accountPins: AccountPinsTable;
  cases: CasesTable;
  caseParties: CasePartiesTable;
  children: ChildrenTable;
  ledgerEntries: LedgerEntriesTable;
  payments: PaymentsTable;
  disbursements: DisbursementsTable;
  identityLinks: IdentityLinksTable;
  botState: BotStateTable;
  dlConversations: DlConversationsTable;
  dlActivities: DlActivitiesTable;
  issuedDocuments: IssuedDocumentsTable;
  documentSignIns: DocumentSignInsTable;
  documentMailRequests: DocumentMailRequestsTable;
  officeMessages: OfficeMessagesTable;
  auditLog: AuditLogTable;
  signInRequests: SignInRequestsTable;
  verifiedSessions: VerifiedSessionsTable;
  pinMailRequests: PinMailRequestsTable;
  smsMessages: SmsMessagesTable;
  smsOptOuts: SmsOptOutsTable;
  smsConversations: SmsConversationsTable;
  textVerifyFailures: TextVerifyFailuresTable;
  rateLimits: RateLimitsTable;
}

export type PersonRow = Selectable<PeopleTable>;
export type CaseRow = Selectable<CasesTable>;
export type NewAuditEntry = Insertable<AuditLogTable>;
