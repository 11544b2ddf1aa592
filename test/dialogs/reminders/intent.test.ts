/** The words under the `reminders` intent: on, off or status, in the three languages. */
import { describe, expect, it } from '@jest/globals';
import { isAgreement, reminderAction, usMobileNumber } from '../../../dialogs/reminders/intent.js';

describe('reminder actions', () => {
  it.each([
    ['remind me', 'on'],
    ['text me when a payment is sent', 'on'],
    ['提醒我', 'on'],
    ['recuérdame', 'on'],
    ['recuérdame para pagar', 'on'],
    ['reminders', 'status'],
    ['are my reminders on?', 'status'],
    ['我的提醒', 'status'],
    ['mis recordatorios', 'status'],
    ['stop reminders', 'off'],
    ['reminders off', 'off'],
    ['turn off the reminders', 'off'],
    ['关闭提醒', 'off'],
    ['停止提醒', 'off'],
    ['desactivar recordatorios', 'off'],
    ['ya no quiero recordatorios', 'off'],
  ])('"%s" is %s', (text, action) => {
    expect(reminderAction(text)).toBe(action);
  });

  it('says nothing of a text about something else', () => {
    expect(reminderAction('what is my balance')).toBeNull();
    expect(reminderAction('stop')).toBeNull();
  });

  it('agrees only with the agreement word, never YES (a carrier keyword)', () => {
    for (const word of ['AGREE', 'agree', 'I agree.', '同意', 'ACEPTO', 'acepto']) expect(isAgreement(word)).toBe(true);
    for (const word of ['YES', 'yes', 'ok', 'no', 'agree to nothing', '']) expect(isAgreement(word)).toBe(false);
  });

  it('reads a US mobile number as E.164 and refuses anything else', () => {
    expect(usMobileNumber('(212) 555-0102')).toBe('+12125550102');
    expect(usMobileNumber('1 212 555 0102')).toBe('+12125550102');
    expect(usMobileNumber('+1-212-555-0102')).toBe('+12125550102');
    expect(usMobileNumber('212-555-010')).toBeNull();
    expect(usMobileNumber('012-555-0102')).toBeNull();
    expect(usMobileNumber('900-11-1002')).toBeNull();
    expect(usMobileNumber('call me')).toBeNull();
  });
});
