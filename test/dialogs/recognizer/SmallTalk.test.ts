import { describe, expect, it } from '@jest/globals';
import { loadLexicon } from '../../../dialogs/recognizer/lexicon.js';
import { SmallTalk } from '../../../dialogs/recognizer/SmallTalk.js';
import { IntentRecognizer } from '../../../dialogs/recognizer/IntentRecognizer.js';

const smallTalk = new SmallTalk(loadLexicon());
const recognizer = new IntentRecognizer();

describe('SmallTalk', () => {
  it.each([
    ['thx!!', 'goodbye'],
    ['ok byeee', 'goodbye'],
    ['Thanks, bye!', 'goodbye'],
    ['nvm', 'cancel'],
    ['heyyy there', 'greeting'],
    ['hi, help', 'help'],
    ['ＨＥＬＬＯ', 'greeting'],
    ['¡Gracias!', 'goodbye'],
    ['graciasss', 'goodbye'],
    ['hola hola', 'greeting'],
    ['olvídalo', 'cancel'],
    ['谢谢啦', 'goodbye'],
    ['你好你好', 'greeting'],
    ['hi你好', 'greeting'],
    ['当我没说', 'cancel'],
  ])('%j is %s', (text, intent) => {
    expect(smallTalk.match(text)).toBe(intent);
  });

  it.each(['thanks, what is my balance', 'hi can i see my statement', 'ok', 'I like pizza', 'who made you', '你是谁做的', 'quien te hizo', '好的', ''])(
    '%j is not small talk',
    (text) => {
      expect(smallTalk.match(text)).toBeUndefined();
    },
  );

  it('leaves bare answer words to the prompt, and a request with a greeting to the classifier', async () => {
    expect((await recognizer.recognize('no thanks', 'en')).intent).toBe('none');
    expect((await recognizer.recognize('hi, what is my balance', 'en')).intent).toBe('balance');
    expect(await recognizer.recognize('thank u!!', 'en')).toEqual({ intent: 'goodbye', score: 1, entities: {} });
  });
});
