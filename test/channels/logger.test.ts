import { describe, expect, it } from '@jest/globals';
import { Writable } from 'node:stream';
import { createLogger, maskSensitiveNumbers, redactText } from '../../channels/logger.js';

describe('maskSensitiveNumbers', () => {
  it.each([
    ['my ssn is 900-11-1001', 'my ssn is •••-••-••••'],
    ['900111001', '•••••••••'],
    ['900 11 1001 ok', '••• •• •••• ok'],
    ['pin 24680', 'pin •••••'],
  ])('masks %s', (input, expected) => {
    expect(maskSensitiveNumbers(input)).toBe(expected);
  });

  it('keeps amounts, dates and short numbers', () => {
    const text = 'I paid $1,125.00 on 2026-11-06, case 0101, 3 kids';
    expect(maskSensitiveNumbers(text)).toBe(text);
  });
});

describe('logger', () => {
  it('never writes an SSN or PIN, whether in fields or in the message', () => {
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString());
        done();
      },
    });
    const logger = createLogger({ destination: sink });
    logger.info({ ssn: '900-11-1001', pin: '24680', activity: { text: 'my pin is 24680' } }, 'user typed 900111001 and 24680');
    logger.warn('ssn 900-11-1001');
    const out = lines.join('');
    expect(out).not.toMatch(/900-?11-?1001|900111001|24680/);
    expect(out).toContain('[redacted');
  });

  it('redactText keeps dates and dollar amounts readable', () => {
    expect(redactText('due 2026-11-27: $1,125.00')).toBe('due 2026-11-27: $1,125.00');
  });
});
