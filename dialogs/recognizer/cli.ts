/**
 * `npm run nlu -- "TEXT" [--locale L]` and `npm run nlu -- eval FILE` (see INTERFACES.md). Reads no
 * configuration: the keyword recognizer needs none.
 */
import { readFileSync } from 'node:fs';
import { LOCALES, resolveLocale } from '../../locales/i18n.js';
import { evaluate, parseEvalFile } from './evaluate.js';
import { KeywordRecognizer } from './KeywordRecognizer.js';

const USAGE = 'usage: npm run nlu -- "TEXT" [--locale L]\n       npm run nlu -- eval FILE';

async function main(args: readonly string[]): Promise<number> {
  const recognizer = new KeywordRecognizer();
  if (args[0] === 'eval') {
    const file = args[1];
    if (file === undefined) {
      console.error(USAGE);
      return 2;
    }
    const report = await evaluate(recognizer, parseEvalFile(readFileSync(file, 'utf8')));
    for (const miss of report.misses) {
      console.error(`miss [${miss.locale}] ${JSON.stringify(miss.text)}: expected ${miss.intent}, got ${miss.got}`);
    }
    for (const locale of LOCALES) {
      const bucket = report.perLocale[locale];
      if (bucket === undefined) continue;
      console.log(`${locale}: ${(bucket.correct / bucket.total).toFixed(3)} (${bucket.correct}/${bucket.total})`);
    }
    console.log(`accuracy: ${report.accuracy.toFixed(3)}`);
    return 0;
  }
  let text: string | undefined;
  let locale = resolveLocale(undefined);
  for (let i = 0; i < args.length; i += 1) {
    if (args[i] === '--locale') {
      locale = resolveLocale(args[i + 1]);
      i += 1;
    } else if (text === undefined) {
      text = args[i];
    }
  }
  if (text === undefined) {
    console.error(USAGE);
    return 2;
  }
  console.log(JSON.stringify(await recognizer.recognize(text, locale)));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  },
);
