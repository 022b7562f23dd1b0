import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * Drive credentials at rest (refresh tokens, WebDAV passwords): AES-256-GCM, each sealed to the
 * row it belongs to (`context`, e.g. the drive's id, as additional data), so a sealed secret
 * copied onto another drive's row does not open. Sealed as `v1.<key id>.<base64url nonce |
 * ciphertext | tag>`; keys after the first only open, which is how a key is rotated: put the new
 * key first, keep the old one until every secret has been sealed again.
 */
export interface SecretBox {
  seal(plain: string, context: string): string;
  /** Throws when the secret was sealed with no key given here, changed, or sealed for another context. */
  open(sealed: string, context: string): string;
}

const keyId = (key: Buffer) => createHash('sha256').update(key).digest('hex').slice(0, 8);

export function secretBox(keys: Buffer[]): SecretBox {
  if (!keys.length || keys.some((k) => k.length !== 32))
    throw new Error('drive secrets need 32-byte keys (base64 of `openssl rand -base64 32`)');
  const byId = new Map(keys.map((k) => [keyId(k), k]));
  const current = keys[0]!;
  return {
    seal(plain, context) {
      const nonce = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current, nonce);
      cipher.setAAD(Buffer.from(context));
      const sealed = Buffer.concat([
        nonce,
        cipher.update(plain, 'utf8'),
        cipher.final(),
        cipher.getAuthTag(),
      ]);
      return `v1.${keyId(current)}.${sealed.toString('base64url')}`;
    },
    open(sealed, context) {
      const [version, id, body] = sealed.split('.');
      const key = byId.get(id ?? '');
      if (version !== 'v1' || !key || !body)
        throw new Error(
          `a drive secret sealed with key ${id ?? '?'}, which is not among the configured keys`,
        );
      const bytes = Buffer.from(body, 'base64url');
      const decipher = createDecipheriv('aes-256-gcm', key, bytes.subarray(0, 12));
      decipher.setAAD(Buffer.from(context));
      decipher.setAuthTag(bytes.subarray(bytes.length - 16));
      try {
        return Buffer.concat([
          decipher.update(bytes.subarray(12, bytes.length - 16)),
          decipher.final(),
        ]).toString('utf8');
      } catch {
        throw new Error('a drive secret failed its check: changed, or sealed for another drive');
      }
    },
  };
}
