/**
 * The documents port the dialogs ask: renders the document once (so the chat can say its pages and
 * size), stores a link for it and returns the link. The link's token has 256 random bits and only
 * its SHA-256 is stored; it expires after 15 minutes; a web chat's link remembers the chat's
 * browser (the keyed hash the Direct Line token route stored), so it opens there without more ado.
 */
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import { conversationBrowserHash, insertIssuedDocument } from '../../db/repositories/documents.js';
import type { Database } from '../../db/schema.js';
import type { DocumentPort, DocumentRequest, IssuedDocument } from '../../dialogs/documents/ports.js';
import { AppError } from '../../db/errors.js';
import { DIRECT_LINE_CHANNEL_ID } from '../directline/DirectLineAdapter.js';
import { composeDocument } from './compose.js';

export const DOCUMENT_TTL_MS = 15 * 60 * 1000;
export const DOCUMENT_TOKEN_PATTERN = /^[A-Za-z0-9_-]{43}$/;

export function hashDocumentToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export interface DocumentServiceDeps {
  readonly db: Kysely<Database>;
  /** No trailing slash needed; links are absolute under it. */
  readonly publicUrl: string;
  readonly now?: () => Date;
}

export class DocumentService implements DocumentPort {
  private readonly db: Kysely<Database>;
  private readonly publicUrl: string;
  private readonly now: () => Date;

  constructor(deps: DocumentServiceDeps) {
    this.db = deps.db;
    this.publicUrl = deps.publicUrl.replace(/\/+$/, '');
    this.now = deps.now ?? (() => new Date());
  }

  async issue(request: DocumentRequest): Promise<IssuedDocument> {
    const pdf = await composeDocument(this.db, request);
    if (pdf === null) throw new AppError('forbidden', 'the person may not have this document');
    const token = randomBytes(32).toString('base64url');
    const createdAt = this.now();
    const expiresAt = new Date(createdAt.getTime() + DOCUMENT_TTL_MS);
    const browserHash = request.channel === DIRECT_LINE_CHANNEL_ID ? await conversationBrowserHash(this.db, request.conversationId) : null;
    await insertIssuedDocument(this.db, {
      tokenHash: hashDocumentToken(token),
      personId: request.personId,
      caseNumber: request.caseNumber,
      kind: request.kind,
      params: { ...request.params },
      locale: request.locale,
      channel: request.channel,
      browserHash,
      conversationHash: request.conversationHash,
      expiresAt,
      createdAt,
    });
    return { url: `${this.publicUrl}/documents/${token}`, fileName: pdf.fileName, pages: pdf.pages, bytes: pdf.buffer.length, expiresAt };
  }
}
