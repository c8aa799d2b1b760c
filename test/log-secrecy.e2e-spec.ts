import { parseEncryptionKeys } from '../src/config/load-config';
import { TokenCipher } from '../src/crypto/token-cipher';
import {
  beginInstall,
  control,
  getAs,
  readJson,
  submitConsent,
} from './support/install';
import {
  startStack,
  TEST_CLIENT_SECRET,
  type TestStack,
} from './support/stack';

describe('log secrecy', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack({ env: { LOG_LEVEL: 'trace' } });
  });

  afterAll(async () => {
    await stack.close();
  });

  /** Decrypts the installation's current tokens straight from its row. */
  async function storedTokens(companyId: number): Promise<string[]> {
    const cipher = new TokenCipher(
      parseEncryptionKeys(stack.env.TOKEN_ENCRYPTION_KEYS, []),
    );
    const { rows } = await stack.db.query(
      'SELECT id, token_key_id, access_token_ciphertext, refresh_token_ciphertext FROM installations WHERE company_id = $1',
      [companyId],
    );

    return rows.flatMap((row) =>
      [
        ['access', row.access_token_ciphertext],
        ['refresh', row.refresh_token_ciphertext],
      ]
        .filter(([, ciphertext]) => ciphertext)
        .map(([kind, ciphertext]) =>
          cipher.decrypt(
            { keyId: row.token_key_id, ciphertext },
            `${row.id}:${kind}`,
          ),
        ),
    );
  }

  it('writes no token, code or secret through a whole lifecycle', async () => {
    const secrets = new Set<string>([TEST_CLIENT_SECRET, stack.adminKey]);
    const { consentUrl, cookie } = await beginInstall(stack);
    const callbackUrl = new URL(await submitConsent(consentUrl));
    secrets.add(callbackUrl.searchParams.get('code') ?? '');
    secrets.add(callbackUrl.searchParams.get('state') ?? '');
    secrets.add(cookie.split('=')[1]);
    expect((await fetch(callbackUrl, { headers: { cookie } })).status).toBe(
      200,
    );
    const [company] = stack.sandbox.companies();
    (await storedTokens(company.id)).forEach((token) => secrets.add(token));

    expect(
      (await getAs(stack, `/companies/${company.id}/api/v1/leads?limit=2`))
        .status,
    ).toBe(200);
    await control(stack, 'expire-tokens', { companyId: company.id });
    expect(
      (await getAs(stack, `/companies/${company.id}/api/v1/leads?limit=2`))
        .status,
    ).toBe(200);
    (await storedTokens(company.id)).forEach((token) => secrets.add(token));

    const created = await fetch(`${stack.url}/admin/api-keys`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${stack.adminKey}`,
        'content-type': 'application/json',
      },
      body: JSON.stringify({ name: 'log check' }),
    });
    const apiKey = (await readJson(created)).key as string;
    secrets.add(apiKey);
    expect(
      (
        await getAs(
          stack,
          `/companies/${company.id}/api/v1/notes?limit=1`,
          apiKey,
        )
      ).status,
    ).toBe(200);
    await getAs(stack, `/companies/${company.id}/api/v1/leads`, `${apiKey}x`);

    const subscribed = await fetch(
      `${stack.url}/companies/${company.id}/api/v1/webhooks`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${stack.adminKey}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          event_action: 'change',
          event_object: 'deal',
          name: 'log check',
        }),
      },
    );
    expect(subscribed.status).toBe(201);
    await control(stack, 'events', {
      companyId: company.id,
      object: 'deal',
      action: 'change',
    });

    const [installation] = (
      await readJson(
        await getAs(stack, `/admin/installations?companyId=${company.id}`),
      )
    ).data;
    const revoked = await fetch(
      `${stack.url}/admin/installations/${installation.id}/revoke`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${stack.adminKey}` },
      },
    );
    expect(revoked.status).toBe(200);

    const logs = stack.logs.join('\n');
    expect(stack.logs.length).toBeGreaterThan(20);
    for (const secret of secrets) {
      expect(secret.length).toBeGreaterThan(8);
      expect(logs).not.toContain(secret);
    }
    const callbackLine = stack.logs.find((line) =>
      line.includes('/oauth/callback?'),
    );
    expect(callbackLine).toContain('code=%5BRedacted%5D');
  });
});
