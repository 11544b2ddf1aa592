/**
 * pdfmake on the server: the fonts are read once into pdfmake's in-memory file system, and no
 * document may reach a URL or a local file (the definitions are ours, but a policy that allows
 * nothing costs nothing). Chinese documents use Noto Sans SC for every character (it covers Latin
 * too); English and Spanish use Roboto. pdfkit embeds only the glyphs a document uses, so a PDF
 * carries a small subset whatever the font file's size, and its text stays extractable.
 */
import { readFileSync } from 'node:fs';
import pdfmake from 'pdfmake';
import type { Locale } from '../../locales/i18n.js';

const FONT_DIR = new URL('./fonts/', import.meta.url);

export const LATIN_FONT = 'Roboto';
export const CHINESE_FONT = 'NotoSansSC';

let fontsLoaded = false;

function loadFonts(): void {
  if (fontsLoaded) return;
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
  fontsLoaded = true;
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
  loadFonts();
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
