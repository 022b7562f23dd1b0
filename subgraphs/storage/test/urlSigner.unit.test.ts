import { describe, expect, it } from 'vitest';
import { publicOrigin } from '../src/routes/publicOrigin.ts';
import { createUrlSigner } from '../src/routes/urlSigner.ts';

const signer = createUrlSigner('a secret of at least thirty-two characters');
const request = (method: string, pathAndQuery: string) =>
  new Request(`http://jarvis.local${pathAndQuery}`, { method });

describe('createUrlSigner', () => {
  it('a signed URL names its project, for that method and path only', () => {
    const url = signer.sign('PUT', '/storage/signed/uploads/u/parts/1', 'vision', 60);
    expect(signer.verify(request('PUT', url))).toBe('vision');
    expect(() => signer.verify(request('GET', url))).toThrow(/does not match this GET/);
    expect(() => signer.verify(request('PUT', url.replace('/parts/1', '/parts/2')))).toThrow(
      /does not match/,
    );
    expect(() => signer.verify(request('PUT', url.replace('project=vision', 'project=nlp')))).toThrow(
      /does not match/,
    );
  });

  it('HEAD uses the GET signature; a URL past its expiry or signed with another key is refused', () => {
    const get = signer.sign('GET', '/storage/signed/artifacts/a/content', 'vision', 60);
    expect(signer.verify(request('HEAD', get))).toBe('vision');
    const expired = signer.sign('GET', '/storage/signed/artifacts/a/content', 'vision', -1);
    expect(() => signer.verify(request('GET', expired))).toThrow(/expired at .*ask for a new one/);
    const other = createUrlSigner('another secret of at least thirty-two characters');
    expect(() => other.verify(request('GET', get))).toThrow(/does not match/);
    expect(() => signer.verify(request('GET', '/storage/signed/artifacts/a/content'))).toThrow(/not signed/);
    expect(() => signer.verify(request('GET', `${get.split('&signature=')[0]}&signature=%00`))).toThrow(
      /does not match/,
    );
  });
});

describe('publicOrigin', () => {
  it("is the request's origin unless a proxy says where clients reach it", () => {
    expect(publicOrigin(new Request('http://10.0.0.5:4001/x'))).toBe('http://10.0.0.5:4001');
    const proxied = new Request('http://10.0.0.5:4001/x', {
      headers: { 'x-forwarded-host': 'jarvis.example.com', 'x-forwarded-proto': 'https' },
    });
    expect(publicOrigin(proxied)).toBe('https://jarvis.example.com');
    const hostile = new Request('http://10.0.0.5:4001/x', {
      headers: { 'x-forwarded-host': 'evil.com/path?' },
    });
    expect(publicOrigin(hostile)).toBe('http://10.0.0.5:4001');
  });
});
