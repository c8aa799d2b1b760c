import { ApiDomainAllowlist } from './api-domain-allowlist';

describe('ApiDomainAllowlist', () => {
  const allowlist = new ApiDomainAllowlist([
    'https://*.pipedrive.com',
    'http://127.0.0.1:*',
  ]);

  it.each([
    ['https://acme.pipedrive.com', 'https://acme.pipedrive.com'],
    ['https://acme.pipedrive.com/', 'https://acme.pipedrive.com'],
    ['https://ACME.pipedrive.com:443', 'https://acme.pipedrive.com'],
    ['http://127.0.0.1:3002', 'http://127.0.0.1:3002'],
  ])('allows %s', (apiDomain, origin) => {
    expect(allowlist.check(apiDomain)).toBe(origin);
  });

  it.each([
    'http://acme.pipedrive.com',
    'https://pipedrive.com',
    'https://a.b.pipedrive.com',
    'https://acme.pipedrive.com.evil.example',
    'https://evil.example/acme.pipedrive.com',
    'https://acme.pipedrive.com/api/v1',
    'https://user:pass@acme.pipedrive.com',
    'https://acme.pipedrive.com:8443',
    'https://acme.pipedrive.com?x=1',
    'http://localhost:3002',
    'http://127.0.0.2:3002',
    'not a url',
    '',
  ])('refuses %s', (apiDomain) => {
    expect(allowlist.check(apiDomain)).toBeNull();
  });

  it('rejects a malformed pattern', () => {
    expect(() => new ApiDomainAllowlist(['pipedrive.com'])).toThrow(
      /Invalid allowlist origin/,
    );
  });
});
