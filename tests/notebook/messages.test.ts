import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decodeMessage, DELIMITER, encodeMessage, newMessage, sign } from '../../src/notebook/messages';

const key = { key: 'secret', scheme: 'hmac-sha256' };

describe('Jupyter wire protocol', () => {
  it('signs the four JSON frames with HMAC-SHA256 of the key', () => {
    const frames = ['{"a":1}', '{}', '{}', '{"code":"1"}'];
    const expected = createHmac('sha256', 'secret').update(frames.join('')).digest('hex');
    expect(sign(key, frames)).toBe(expected);
    expect(sign({ key: '' }, frames)).toBe('');
    expect(() => sign({ key: 'k', scheme: 'sha256' }, frames)).toThrow('signature_scheme must be "hmac-<digest>", got "sha256"');
  });

  it('round-trips a message, with routing identities before the delimiter', () => {
    const message = newMessage({ msgType: 'execute_request', session: 'sess', content: { code: 'console.log("é")' } });
    const frames = encodeMessage(message, key).map((f) => Buffer.from(f));
    expect(frames[0].toString()).toBe(DELIMITER);
    const decoded = decodeMessage([Buffer.from('identity'), ...frames], key);
    expect(decoded.header).toEqual(message.header);
    expect(decoded.header.version).toBe('5.3');
    expect(decoded.content).toEqual({ code: 'console.log("é")' });
  });

  it('rejects a tampered message, a wrong key and a missing delimiter', () => {
    const frames = encodeMessage(newMessage({ msgType: 'x', session: 's', content: { n: 1 } }), key).map((f) => Buffer.from(f));
    const tampered = [...frames];
    tampered[5] = Buffer.from('{"n":2}');
    expect(() => decodeMessage(tampered, key)).toThrow('Jupyter message with an invalid HMAC signature');
    expect(() => decodeMessage(frames, { key: 'other' })).toThrow('invalid HMAC signature');
    expect(() => decodeMessage(frames.slice(1), key)).toThrow('without the "<IDS|MSG>" delimiter');
  });
});
