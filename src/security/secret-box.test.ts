// SecretBox with a previous key (ENCRYPTION_KEY rotation): seals under the current key, opens under either,
// and `reseal` tells what still has to move.
import { describe, expect, it } from 'vitest';
import { SecretBox } from './secret-box';

const key = (fill: number) => btoa(String.fromCharCode(...new Uint8Array(32).fill(fill)));
const A = key(1);
const B = key(2);
const C = key(3);

describe('SecretBox key rotation', () => {
  it('opens values sealed under the previous key and seals new ones under the current key only', async () => {
    const underA = await (await SecretBox.fromBase64Key(A)).encrypt('token', 'row-1');
    const rotating = await SecretBox.fromBase64Key(B, A);
    expect(await rotating.decrypt(underA, 'row-1')).toBe('token');
    const fresh = await rotating.encrypt('fresh', 'row-2');
    expect(await (await SecretBox.fromBase64Key(B)).decrypt(fresh, 'row-2')).toBe('fresh');
    await expect((await SecretBox.fromBase64Key(A)).decrypt(fresh, 'row-2')).rejects.toThrow();
  });

  it('reseal: null when already under the current key, a value only the current key opens otherwise', async () => {
    const rotating = await SecretBox.fromBase64Key(B, A);
    const underB = await rotating.encrypt('b', 'row');
    expect(await rotating.reseal(underB, 'row')).toBeNull();
    const underA = await (await SecretBox.fromBase64Key(A)).encrypt('a', 'row');
    const moved = await rotating.reseal(underA, 'row');
    expect(moved).not.toBeNull();
    expect(await (await SecretBox.fromBase64Key(B)).decrypt(moved!, 'row')).toBe('a');
    await expect(rotating.reseal(underA, 'another-row')).rejects.toThrow(/no configured key/);
  });

  it('names the failure when no key opens a value, and ignores a previous key equal to the current one', async () => {
    const underC = await (await SecretBox.fromBase64Key(C)).encrypt('c', 'row');
    await expect((await SecretBox.fromBase64Key(B, A)).decrypt(underC, 'row')).rejects.toThrow(
      'Sealed secret opens with no configured key (ENCRYPTION_KEY, _PREVIOUS, _NEXT)',
    );
    await expect((await SecretBox.fromBase64Key(B, B)).decrypt(underC, 'row')).rejects.toThrow(
      'Sealed secret does not open with ENCRYPTION_KEY',
    );
    await expect((await SecretBox.fromBase64Key(B)).decrypt('v2.x.y', 'row')).rejects.toThrow(/format/);
  });
});
