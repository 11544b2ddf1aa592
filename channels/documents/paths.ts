/**
 * Where document links land. Its own module so the development identity provider can register the
 * callback as a redirect URI without loading the PDF renderer.
 */
export const DOCUMENT_CALLBACK_PATH = '/documents/callback';
