/**
 * API keys: `sgk_<key id>_<secret>`. The key id is stored in the clear to find the row; the secret
 * only as a salted scrypt hash, so a leaked database does not leak working keys.
 */
import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const KEY_PATTERN = /^sgk_([a-z0-9]{16})_([A-Za-z0-9_-]{43})$/;
const SCRYPT_PARAMS = { N: 16384, r: 8, p: 1, maxmem: 64 * 1024 * 1024 } as const;
const HASH_BYTES = 32;
const ID_ALPHABET = 'abcdefghijklmnopqrstuvwxyz0123456789';

export interface ParsedKey {
  readonly keyId: string;
  readonly secret: string;
}

export function parseApiKey(key: string): ParsedKey | undefined {
  const match = KEY_PATTERN.exec(key);
  if (!match?.[1] || !match[2]) return undefined;
  return { keyId: match[1], secret: match[2] };
}

/** A random id from a lowercase alphanumeric alphabet (unbiased: 252 = 7 × 36). */
export function randomId(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 252 && out.length < length) out += ID_ALPHABET[byte % 36];
    }
  }
  return out;
}

function scryptAsync(secret: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolvePromise, reject) => {
    scrypt(secret, salt, HASH_BYTES, SCRYPT_PARAMS, (error, derived) => {
      if (error) reject(error);
      else resolvePromise(derived);
    });
  });
}

export interface NewKeyMaterial {
  readonly keyId: string;
  /** The full key, shown to its owner once and never stored. */
  readonly key: string;
  readonly salt: string;
  readonly hash: string;
}

export async function generateApiKey(): Promise<NewKeyMaterial> {
  const keyId = randomId(16);
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16);
  const hash = await scryptAsync(secret, salt);
  return { keyId, key: `sgk_${keyId}_${secret}`, salt: salt.toString('base64'), hash: hash.toString('base64') };
}

export async function verifySecret(secret: string, salt: string, hash: string): Promise<boolean> {
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(secret, Buffer.from(salt, 'base64'));
  return expected.length === actual.length && timingSafeEqual(expected, actual);
}
