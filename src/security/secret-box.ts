// Secrets at rest: AES-GCM (WebCrypto) under ENCRYPTION_KEY, a random 96-bit IV per value (DESIGN.md §6).
import { base64ToBytes, bytesToBase64Url, base64UrlToBytes } from './encoding';

const VERSION = 'v1';

export class SecretBox {
  private constructor(private readonly key: CryptoKey) {}

  static async fromBase64Key(base64Key: string): Promise<SecretBox> {
    const raw = base64ToBytes(base64Key);
    if (raw.length !== 32) throw new Error('ENCRYPTION_KEY must be 32 bytes');
    const key = await crypto.subtle.importKey('raw', raw, { name: 'AES-GCM' }, false, ['encrypt', 'decrypt']);
    return new SecretBox(key);
  }

  async encrypt(plaintext: string, associatedData = ''): Promise<string> {
    const iv = crypto.getRandomValues(new Uint8Array(12));
    const ciphertext = await crypto.subtle.encrypt(
      { name: 'AES-GCM', iv, additionalData: new TextEncoder().encode(associatedData) },
      this.key,
      new TextEncoder().encode(plaintext),
    );
    return `${VERSION}.${bytesToBase64Url(iv)}.${bytesToBase64Url(new Uint8Array(ciphertext))}`;
  }

  async decrypt(sealed: string, associatedData = ''): Promise<string> {
    const [version, iv, ciphertext] = sealed.split('.');
    if (version !== VERSION || !iv || !ciphertext) throw new Error('Unrecognized sealed secret format');
    const plaintext = await crypto.subtle.decrypt(
      { name: 'AES-GCM', iv: base64UrlToBytes(iv), additionalData: new TextEncoder().encode(associatedData) },
      this.key,
      base64UrlToBytes(ciphertext),
    );
    return new TextDecoder().decode(plaintext);
  }

  async encryptJson(value: unknown, associatedData = ''): Promise<string> {
    return this.encrypt(JSON.stringify(value), associatedData);
  }

  async decryptJson<T = unknown>(sealed: string, associatedData = ''): Promise<T> {
    return JSON.parse(await this.decrypt(sealed, associatedData)) as T;
  }
}
