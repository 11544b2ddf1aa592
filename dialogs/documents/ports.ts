/**
 * What the document flows need from outside: a port that renders a document for the verified
 * person and hands back a short-lived link. The dialogs decide what to print (kind, case, period)
 * and who asked; the documents channel renders it and serves the link, so a test can hand in any
 * issuer and the dialogs never import a renderer or an HTTP route.
 */
import type { Locale } from '../../locales/i18n.js';

export const DOCUMENT_KINDS = ['statement', 'monthly_notice', 'payment_coupon', 'payment_history'] as const;
export type DocumentKind = (typeof DOCUMENT_KINDS)[number];

/** What to print; plain JSON, stored with the issued link and read again when it is opened. */
export interface DocumentParams {
  /** Inclusive `YYYY-MM-DD` bounds (a coupon has none). */
  readonly from?: string;
  readonly to?: string;
  /** The data's as-of date, printed on the document. */
  readonly asOf: string;
  /** A whole year was asked: the statement adds the chart of its 12 months' payments. */
  readonly year?: number;
  /** Payment history may cover several of the person's cases. */
  readonly caseNumbers?: readonly string[];
}

export interface DocumentRequest {
  readonly personId: string;
  /** The one case a document is about; null for a history over several cases. */
  readonly caseNumber: string | null;
  readonly kind: DocumentKind;
  readonly params: DocumentParams;
  readonly locale: Locale;
  /** The conversation's channel and id: a web chat's link opens in that chat's own browser. */
  readonly channel: string;
  readonly conversationId: string;
  /** The conversation's key (a hash), kept with the document for the audit trail. */
  readonly conversationHash: string;
}

export interface IssuedDocument {
  /** Absolute link under the public address, valid until `expiresAt`. */
  readonly url: string;
  /** A file name for the download ("statement-CS24000101-2026-10.pdf"). */
  readonly fileName: string;
  readonly pages: number;
  readonly bytes: number;
  readonly expiresAt: Date;
}

export interface DocumentPort {
  /** Renders the document (so its size and pages are known) and stores a link to it. */
  issue(request: DocumentRequest): Promise<IssuedDocument>;
}
