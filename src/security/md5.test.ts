import { createHash } from 'node:crypto';
import CryptoJS from 'crypto-js';
import fc from 'fast-check';
import { expect, it } from 'vitest';
import { md5 } from './md5';

const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const nodeMd5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

it('gives the RFC 1321 test suite digests', () => {
  const suite: [string, string][] = [
    ['', 'd41d8cd98f00b204e9800998ecf8427e'],
    ['a', '0cc175b9c0f1b6a831c399e269772661'],
    ['abc', '900150983cd24fb0d6963f7d28e17f72'],
    ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
    ['abcdefghijklmnopqrstuvwxyz', 'c3fcd3d76192e4007dfb496cca67e13b'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', 'd174ab98d277d9f5a5611c2c9f419d9f'],
    [
      '12345678901234567890123456789012345678901234567890123456789012345678901234567890',
      '57edf4a22be3c955ac49da2e2107b67a',
    ],
  ];
  for (const [text, digest] of suite) expect(hex(md5(new TextEncoder().encode(text))), text).toBe(digest);
});

it('agrees with node:crypto on every length around the 64-byte block and padding edges, and on random input', () => {
  for (let length = 0; length <= 200; length++) {
    const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + length) & 0xff);
    expect(hex(md5(bytes)), `length ${length}`).toBe(nodeMd5(bytes));
  }
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => hex(md5(bytes)) === nodeMd5(bytes)),
    { numRuns: 300 },
  );
});

it('agrees with crypto-js (what HighLevel’s SSO payloads are made with)', () => {
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (text) => {
      const bytes = new TextEncoder().encode(text);
      return hex(md5(bytes)) === CryptoJS.MD5(CryptoJS.enc.Utf8.parse(text)).toString(CryptoJS.enc.Hex);
    }),
    { numRuns: 200 },
  );
});
