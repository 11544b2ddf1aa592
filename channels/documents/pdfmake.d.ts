/**
 * The part of pdfmake 0.3's server entry this project uses (the package ships no typings). A
 * document definition is pdfmake's plain-object format; it is typed loosely here and built only
 * in `templates.ts`.
 */
declare module 'pdfmake' {
  interface VirtualFs {
    writeFileSync(name: string, content: Buffer): void;
    existsSync(name: string): boolean;
  }
  interface OutputDocument {
    getBuffer(): Promise<Buffer>;
  }
  interface FontFaces {
    normal: string;
    bold: string;
    italics: string;
    bolditalics: string;
  }
  export interface PdfMake {
    readonly virtualfs: VirtualFs;
    setFonts(fonts: Record<string, FontFaces>): void;
    setUrlAccessPolicy(callback: (url: string) => boolean): void;
    setLocalAccessPolicy(callback: (path: string) => boolean): void;
    createPdf(definition: Record<string, unknown>, options?: Record<string, unknown>): OutputDocument;
  }
  const pdfmake: PdfMake;
  export default pdfmake;
}
