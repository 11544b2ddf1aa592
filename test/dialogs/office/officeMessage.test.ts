import { describe, expect, it } from '@jest/globals';
import {
  checkOfficeMessage,
  composeOfficeEmail,
  errorCodeOf,
  formatPhone,
  MAX_OFFICE_MESSAGE,
  mayInterruptFreeText,
} from '../../../dialogs/office/officeMessage.js';

describe('checkOfficeMessage', () => {
  it('takes 1..1000 characters after trimming, counting code points', () => {
    expect(checkOfficeMessage('  hello \n')).toEqual({ ok: true, text: 'hello', length: 5 });
    expect(checkOfficeMessage('请给我打电话')).toMatchObject({ ok: true, length: 6 });
    expect(checkOfficeMessage('😀'.repeat(MAX_OFFICE_MESSAGE))).toMatchObject({ ok: true, length: MAX_OFFICE_MESSAGE });
    expect(checkOfficeMessage('x'.repeat(MAX_OFFICE_MESSAGE + 1))).toEqual({ ok: false, reason: 'too_long', length: MAX_OFFICE_MESSAGE + 1 });
    expect(checkOfficeMessage(' \n\t ')).toMatchObject({ ok: false, reason: 'empty' });
  });

  it('keeps line breaks and refuses other control characters', () => {
    expect(checkOfficeMessage('line one\r\nline two')).toMatchObject({ ok: true, text: 'line one\nline two' });
    expect(checkOfficeMessage('a\u0000b')).toMatchObject({ ok: false, reason: 'control' });
    expect(checkOfficeMessage('a\u001bb')).toMatchObject({ ok: false, reason: 'control' });
    expect(checkOfficeMessage('a\u0085b')).toMatchObject({ ok: false, reason: 'control' });
  });

  it('refuses SSN shapes and a PIN next to its name, but not case numbers, phones, amounts or years', () => {
    for (const text of ['my ssn 900111001', 'it is 900-11-1001', 'number 900 11 1001 ok', 'PIN 24680 fails', '我的密码是 13579', 'mi clave 1357 no sirve', 'ssn 9 0 0 1 1 1 0 0 1 thanks', 'it is 900  11  1007', 'mi número 900 - 11 - 1001', 'my pin is 2 4 6 8 0']) {
      expect(checkOfficeMessage(text)).toMatchObject({ ok: false, reason: 'sensitive' });
    }
    for (const text of ['about case CS24000101', 'call me at 718-555-0199', 'I paid $1,250 in 2026', 'call 7185550199']) {
      expect(checkOfficeMessage(text)).toMatchObject({ ok: true });
    }
  });
});

describe('mayInterruptFreeText', () => {
  it('lets command-sized texts interrupt, not sentences', () => {
    for (const text of ['help', 'cancel', 'sign out', 'español', '取消', '中文', 'cerrar sesión']) expect(mayInterruptFreeText(text)).toBe(true);
    for (const text of ['I need help with my payment', 'please cancel my hearing next week', '我需要帮助处理我的付款问题']) expect(mayInterruptFreeText(text)).toBe(false);
  });
});

describe('the office email', () => {
  const office = { id: 'bronx', name: 'Bronx Child Support Office', email: 'bronx@example.gov', phone: '+17185550140', address: 'x', hours: 'Mon-Fri' };

  it('is addressed to the office, in English, with the case, the parent, the channel and the message', () => {
    const email = composeOfficeEmail({ reference: 'OCS-7K3QH', office, parentName: 'Ana Rodríguez', caseNumber: 'CS25000303', channel: 'tty', locale: 'es', message: 'Necesito una cita' });
    expect(email.to).toBe('bronx@example.gov');
    expect(email.reference).toBe('OCS-7K3QH');
    expect(email.subject).toBe('Case CS25000303: message from a parent via the assistant');
    for (const part of ['Ana Rodríguez', 'CS25000303', 'TTY', 'relay', 'Spanish', 'Reference number: OCS-7K3QH', 'Necesito una cita', 'Do not reply to this address']) {
      expect(email.text).toContain(part);
    }
  });

  it('formats phones and keeps only short error codes', () => {
    expect(formatPhone('+17185550140')).toBe('718-555-0140');
    expect(formatPhone('+442071234567')).toBe('+442071234567');
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'ECONNECTION' }))).toBe('ECONNECTION');
    expect(errorCodeOf(Object.assign(new Error('x'), { code: 'bad code with spaces <a@b.c>' }))).toBe('send_failed');
    expect(errorCodeOf('boom')).toBe('send_failed');
  });
});
