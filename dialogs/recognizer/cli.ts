/**
 * `npm run nlu -- "TEXT" [--locale L]` and `npm run nlu -- eval FILE` (see INTERFACES.md), and
 * `npm run nlu -- build`, which retrains the committed model from `locales/<lang>/nlu.train.jsonl`.
 * Reads no configuration.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { LOCALES, resolveLocale } from '../../locales/i18n.js';
import { evaluate, parseEvalFile } from './evaluate.js';
import { buildModel, IntentRecognizer, MODEL_FILE } from './IntentRecognizer.js';

const USAGE = 'usage: npm run nlu -- "TEXT" [--locale L]\n       npm run nlu -- eval FILE\n       npm run nlu -- build';

async function main(args: readonly string[]): Promise<number> {
  if (args[0] === 'build') {
    const model = buildModel();
    writeFileSync(MODEL_FILE, `${JSON.stringify(model)}\n`);
    console.log(`model ${model.source}: ${Object.keys(model.classifier.weights).length} features`);
    return 0;
  }
  const recognizer = new IntentRecognizer();
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
  const { intent, score, entities } = await recognizer.recognize(text, locale);
  console.log(JSON.stringify({ intent, score, entities }));
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
