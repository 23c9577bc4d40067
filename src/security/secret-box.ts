// Secrets at rest: AES-GCM (WebCrypto) under ENCRYPTION_KEY, a random 96-bit IV per value (DESIGN.md §6).
// Key rotation (docs/DEPLOY.md): ENCRYPTION_KEY_NEXT (announced first) and ENCRYPTION_KEY_PREVIOUS (kept until every
// row moved) open what they sealed; new values are always sealed under ENCRYPTION_KEY, and `reseal` moves a value to
// it. AES-GCM's tag tells the keys apart.
import { base64ToBytes, bytesToBase64Url, base64UrlToBytes } from './encoding';

const VERSION = 'v1';

async function importKey(base64Key: string): Promise<CryptoKey> {
  const raw = base64ToBytes(base64Key);
  if (raw.length !== 32) throw new Error('ENCRYPTION_KEY must be 32 bytes');
  return crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
}

export class SecretBox {
  /** keys[0] seals and is tried first; the others (a previous key during rotation) only open. */
  private constructor(private readonly keys: readonly CryptoKey[]) {}

  /** `base64Key` seals; `openOnly` keys (a rotation's previous or next key) only open. */
  static async fromBase64Key(base64Key: string, ...openOnly: (string | undefined)[]): Promise<SecretBox> {
    const distinct = [...new Set([base64Key, ...openOnly.filter((k): k is string => Boolean(k))])];
    return new SecretBox(await Promise.all(distinct.map(importKey)));
  }

  async encrypt(plaintext: string, associatedData = ''): Promise<string> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ciphertext = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(associatedData) },
      this.keys[0]!,
      new TextEncoder().encode(plaintext),
    );
    return `${VERSION}.${bytesToBase64Url(iv)}.${bytesToBase64Url(new Uint8Array(ciphertext))}`;
  }

  async decrypt(sealed: string, associatedData = ''): Promise<string> {
    return (await this.open(sealed, associatedData)).plaintext;
  }

  /**
   * The value sealed under the current key: null when it already is (nothing to write), else a new sealed value.
   * Throws when no key opens it (a row sealed under a key that is gone).
   */
  async reseal(sealed: string, associatedData = ''): Promise<string | null> {
    const { plaintext, keyIndex } = await this.open(sealed, associatedData);
    return keyIndex === 0 ? null : this.encrypt(plaintext, associatedData);
  }

  async encryptJson(value: unknown, associatedData = ''): Promise<string> {
    return this.encrypt(JSON.stringify(value), associatedData);
  }

  async decryptJson<T = unknown>(sealed: string, associatedData = ''): Promise<T> {
    return JSON.parse(await this.decrypt(sealed, associatedData)) as T;
  }

  private async open(
    sealed: string,
    associatedData: string,
  ): Promise<{ plaintext: string; keyIndex: number }> {
    const [version, iv, ciphertext] = sealed.split('.');
    if (version !== VERSION || !iv || !ciphertext) throw new Error('Unrecognized sealed secret format');
    for (const [keyIndex, key] of this.keys.entries()) {
      try {
        const plaintext = await crypto.subtle.decrypt(
          {
            name: 'AES-GCM',
            iv: base64UrlToBytes(iv),
            additionalData: new TextEncoder().encode(associatedData),
          },
          key,
          base64UrlToBytes(ciphertext),
        );
        return { plaintext: new TextDecoder().decode(plaintext), keyIndex };
      } catch {
        // Wrong key (or tampered value): the tag check failed; try the next key.
      }
    }
    throw new Error(
      this.keys.length > 1
        ? 'Sealed secret opens with no configured key (ENCRYPTION_KEY, _PREVIOUS, _NEXT)'
        : 'Sealed secret does not open with ENCRYPTION_KEY',
    );
  }
}
