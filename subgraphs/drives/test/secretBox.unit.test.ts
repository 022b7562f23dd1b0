import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { secretBox } from '../src/index.ts';

describe('secretBox', () => {
  const key = randomBytes(32);

  it('seals a secret to its drive: it opens there, not on another drive, not once changed', () => {
    const box = secretBox([key]);
    const sealed = box.seal('1//refresh-token', 'drive-1');
    expect(sealed).toMatch(/^v1\.[0-9a-f]{8}\./);
    expect(sealed).not.toContain('refresh');
    expect(box.open(sealed, 'drive-1')).toBe('1//refresh-token');
    expect(() => box.open(sealed, 'drive-2')).toThrow(/another drive/);
    const [v, id, body] = sealed.split('.');
    const flipped = Buffer.from(body!, 'base64url');
    flipped[14]! ^= 1;
    expect(() => box.open(`${v}.${id}.${flipped.toString('base64url')}`, 'drive-1')).toThrow(/changed/);
    // The same secret sealed twice reads differently (a fresh nonce each time).
    expect(box.seal('1//refresh-token', 'drive-1')).not.toBe(sealed);
  });

  it('rotates: a new first key seals, the old one still opens what it sealed; a key no longer given does not', () => {
    const old = secretBox([key]).seal('webdav-password', 'drive-3');
    const next = randomBytes(32);
    const rotating = secretBox([next, key]);
    expect(rotating.open(old, 'drive-3')).toBe('webdav-password');
    expect(rotating.seal('x', 'drive-3').split('.')[1]).not.toBe(old.split('.')[1]);
    expect(() => secretBox([next]).open(old, 'drive-3')).toThrow(/not among the configured keys/);
  });

  it('refuses keys that are not 32 bytes', () => {
    expect(() => secretBox([Buffer.alloc(16)])).toThrow(/32-byte/);
    expect(() => secretBox([])).toThrow(/32-byte/);
  });
});
