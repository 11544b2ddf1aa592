/**
 * pdfmake on the server, loaded with the first document: pdfmake, pdfkit and fontkit cost about
 * 10 MB resident and a tenth of a second, which a start (and a chat that never asks for a PDF)
 * need not pay. The fonts are read once into pdfmake's in-memory file system, and no
 * document may reach a URL or a local file (the definitions are ours, but a policy that allows
 * nothing costs nothing). Chinese documents use Noto Sans SC for every character (it covers Latin
 * too); English and Spanish use Roboto. pdfkit embeds only the glyphs a document uses, so a PDF
 * carries a small subset whatever the font file's size, and its text stays extractable.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { PdfMake } from 'pdfmake';
import type { Locale } from '../../locales/i18n.js';

const FONT_DIR = new URL('./fonts/', import.meta.url);

export const LATIN_FONT = 'Roboto';
export const CHINESE_FONT = 'NotoSansSC';

let loading: Promise<PdfMake> | null = null;
/** Distinct words kept laid out per font file before the cache starts afresh. */
const LAYOUT_CACHE_LIMIT = 50_000;

/** The parts of pdfkit's embedded font (and of pdfmake's document) this module touches. */
interface EmbeddedFont {
  readonly id: string;
  /** The parsed fontkit font. */
  readonly font: unknown;
  /** pdfkit's per-font cache of laid-out words (glyph ids and positions, no subset state). */
  layoutCache: Record<string, unknown> | null;
}
type EmbeddedFontClass = new (document: unknown, font: unknown, id: string) => EmbeddedFont;
interface PdfmakeDocument {
  fonts: Record<string, Record<string, string>>;
  fontCache: Record<string, Record<string, EmbeddedFont>>;
  _fontFamilies: Record<string, EmbeddedFont>;
  _fontCount: number;
  getFontType(bold: boolean, italics: boolean): string;
}
type ProvideFont = (this: PdfmakeDocument, family: string, bold: boolean, italics: boolean) => EmbeddedFont;

/**
 * pdfkit parses every font file again for every document, and decodes its OpenType tables again
 * as it lays text out: most of a document's time. A parsed fontkit font holds only the file and
 * what it decoded; each document still gets its own embedded font (its own subset and id). So the
 * first document's parse is kept per font file and later documents embed from it.
 */
function reuseParsedFonts(): void {
  const { default: PdfDocument } = createRequire(import.meta.url)('pdfmake/js/PDFDocument.js') as { default: { prototype: { provideFont: ProvideFont } } };
  const original = PdfDocument.prototype.provideFont;
  const parsed = new Map<string, { readonly Embedded: EmbeddedFontClass; readonly font: unknown; layouts: Record<string, unknown> }>();
  // Within one document, faces mapped to the same file (the Chinese "bold") share one subset.
  const byDocument = new WeakMap<PdfmakeDocument, Map<string, EmbeddedFont>>();
  PdfDocument.prototype.provideFont = function provideFont(this: PdfmakeDocument, family, bold, italics) {
    const type = this.getFontType(bold, italics);
    const file = this.fonts[family]?.[type];
    const cached = this.fontCache[family]?.[type];
    if (cached !== undefined || file === undefined) return original.call(this, family, bold, italics);
    let files = byDocument.get(this);
    if (files === undefined) {
      files = new Map();
      byDocument.set(this, files);
    }
    let embedded = files.get(file);
    if (embedded === undefined) {
      const known = parsed.get(file);
      if (known === undefined) {
        embedded = original.call(this, family, bold, italics);
        parsed.set(file, { Embedded: embedded.constructor as EmbeddedFontClass, font: embedded.font, layouts: embedded.layoutCache ?? {} });
      } else {
        this._fontCount += 1;
        embedded = new known.Embedded(this, known.font, `F${this._fontCount}`);
        // Registered as pdfkit registers the fonts it opens, so it is embedded when the document ends.
        this._fontFamilies[embedded.id] = embedded;
        // Laid-out words do not depend on the document: share them, and start afresh now and then
        // so a long-running server does not keep every amount it ever printed.
        if (Object.keys(known.layouts).length > LAYOUT_CACHE_LIMIT) known.layouts = {};
        embedded.layoutCache = known.layouts;
      }
      files.set(file, embedded);
    }
    this.fontCache[family] = { ...this.fontCache[family], [type]: embedded };
    return embedded;
  };
}

/** pdfmake with the fonts registered, loaded once (again after a failed load). */
function pdfmakeWithFonts(): Promise<PdfMake> {
  loading ??= import('pdfmake')
    .then(({ default: pdfmake }) => {
      loadFonts(pdfmake);
      return pdfmake;
    })
    .catch((error: unknown) => {
      loading = null;
      throw error;
    });
  return loading;
}

function loadFonts(pdfmake: PdfMake): void {
  reuseParsedFonts();
  const files = ['Roboto-Regular.ttf', 'Roboto-Medium.ttf', 'NotoSansSC-Regular.ttf'];
  for (const file of files) pdfmake.virtualfs.writeFileSync(file, readFileSync(new URL(file, FONT_DIR)));
  pdfmake.setFonts({
    [LATIN_FONT]: { normal: 'Roboto-Regular.ttf', bold: 'Roboto-Medium.ttf', italics: 'Roboto-Regular.ttf', bolditalics: 'Roboto-Medium.ttf' },
    // One weight only: a bold CJK face would double the shipped font for a few headings.
    [CHINESE_FONT]: {
      normal: 'NotoSansSC-Regular.ttf',
      bold: 'NotoSansSC-Regular.ttf',
      italics: 'NotoSansSC-Regular.ttf',
      bolditalics: 'NotoSansSC-Regular.ttf',
    },
  });
  pdfmake.setUrlAccessPolicy(() => false);
  pdfmake.setLocalAccessPolicy(() => false);
}

export function fontFor(locale: Locale): string {
  return locale === 'zh-Hans' ? CHINESE_FONT : LATIN_FONT;
}

export interface RenderedPdf {
  readonly buffer: Buffer;
  readonly pages: number;
}

/**
 * Renders a definition whose footer is `footer(page, pages)`; the page count is read from the
 * last footer call, which pdfmake makes with the final count.
 */
export async function renderPdf(
  definition: Record<string, unknown>,
  footer: (page: number, pages: number) => Record<string, unknown>,
): Promise<RenderedPdf> {
  const pdfmake = await pdfmakeWithFonts();
  let pages = 0;
  const doc = pdfmake.createPdf({
    ...definition,
    footer: (page: number, count: number) => {
      pages = count;
      return footer(page, count);
    },
  });
  const buffer = await doc.getBuffer();
  return { buffer, pages };
}
