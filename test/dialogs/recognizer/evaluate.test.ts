import { describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { evaluate, parseEvalFile } from '../../../dialogs/recognizer/evaluate.js';
import { IntentRecognizer } from '../../../dialogs/recognizer/IntentRecognizer.js';
import { KeywordRecognizer } from '../../../dialogs/recognizer/KeywordRecognizer.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const evalFile = fileURLToPath(new URL('./eval.jsonl', import.meta.url));
const run = promisify(execFile);

function nlu(...args: string[]): Promise<{ stdout: string }> {
  return run(process.execPath, ['--import', 'tsx', 'dialogs/recognizer/cli.ts', ...args], { cwd: root });
}

describe('recognizer evaluation', () => {
  it.each([
    ['IntentRecognizer (what the bot and the command use)', new IntentRecognizer()],
    ['KeywordRecognizer (its exact rules)', new KeywordRecognizer()],
  ])('%s gets every line of the eval file right, in every locale', async (_name, recognizer) => {
    const examples = parseEvalFile(readFileSync(evalFile, 'utf8'));
    expect(examples.length).toBeGreaterThanOrEqual(60);
    const report = await evaluate(recognizer, examples);
    expect(report.misses).toEqual([]);
    expect(report.accuracy).toBeGreaterThanOrEqual(0.9);
    for (const bucket of Object.values(report.perLocale)) {
      expect(bucket.correct / bucket.total).toBeGreaterThanOrEqual(0.9);
    }
    expect(Object.keys(report.perLocale).sort()).toEqual(['en', 'es', 'zh-Hans']);
  });

  it('rejects a malformed line by number', () => {
    expect(() => parseEvalFile('{"locale":"en","text":"hi","intent":"greeting"}\n{"locale":"fr","text":"x","intent":"none"}')).toThrow(
      'line 2',
    );
    expect(() => parseEvalFile('{"locale":"en","text":"hi","intent":"weather"}')).toThrow('line 1');
  });

  it('prints per-locale accuracy then a last "accuracy:" line', async () => {
    const { stdout } = await nlu('eval', evalFile);
    const lines = stdout.trim().split('\n');
    expect(lines.slice(0, -1).map((line) => line.split(':')[0])).toEqual(['en', 'zh-Hans', 'es']);
    expect(lines.at(-1)).toMatch(/^accuracy: [01]\.\d{3}$/);
  });

  it('prints the recognition of one text as JSON', async () => {
    const { stdout } = await nlu('¿Cuánto debo?', '--locale', 'es-US');
    expect(JSON.parse(stdout)).toEqual({ intent: 'balance', score: 1, entities: {} });
  });
});
