import { readFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import type { SandboxHandle } from '../../src/sandbox/sandbox';
import {
  apiGet,
  basicAuth,
  control,
  install,
  postToken,
  readJson,
  Receiver,
  startTestSandbox,
  temporaryStateFile,
  TEST_APP,
} from './sandbox-test-helpers';

describe('sandbox install lifecycle', () => {
  describe('uninstall', () => {
    let receiver: Receiver;
    let sandbox: SandboxHandle;
    let callbackUrl: string;

    beforeAll(async () => {
      receiver = new Receiver();
      callbackUrl = `${await receiver.start()}/oauth/callback`;
      sandbox = await startTestSandbox({
        app: { ...TEST_APP, redirectUri: callbackUrl },
      });
    });

    afterAll(async () => {
      await sandbox.close();
      await receiver.stop();
    });

    beforeEach(async () => {
      await control(sandbox, 'reset', {});
      receiver.requests.length = 0;
    });

    /** Installs through the consent form with this sandbox's callback URL. */
    const installHere = async (companyIndex = 0, userIndex = 0) => {
      const company = sandbox.companies()[companyIndex];
      const user = company.users[userIndex];
      const consent = await fetch(`${sandbox.oauthUrl}/oauth/authorize`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({
          client_id: TEST_APP.clientId,
          redirect_uri: callbackUrl,
          company_id: String(company.id),
          user_id: String(user.id),
          decision: 'allow',
        }),
        redirect: 'manual',
      });
      const code = new URL(
        consent.headers.get('location') ?? '',
      ).searchParams.get('code');
      const response = await postToken(sandbox, {
        grant_type: 'authorization_code',
        code: code ?? '',
        redirect_uri: callbackUrl,
      });

      return { company, user, tokens: await readJson(response) };
    };

    it('sends the DELETE notice with the app credentials', async () => {
      const { company, user, tokens } = await installHere();
      receiver.failNext(204);
      const response = await control(sandbox, 'uninstall', {
        companyId: company.id,
        userId: user.id,
      });
      const [notice] = receiver.requests;

      expect(await readJson(response)).toEqual({ notified: true, status: 204 });
      expect(notice.method).toBe('DELETE');
      expect(notice.url).toBe('/oauth/callback');
      expect(notice.headers.authorization).toBe(basicAuth());
      expect(notice.body).toEqual({
        client_id: TEST_APP.clientId,
        company_id: company.id,
        user_id: user.id,
        timestamp: expect.any(String),
      });
      const me = await apiGet(
        tokens.api_domain,
        tokens.access_token,
        '/api/v1/users/me',
      );
      expect(me.status).toBe(401);
      const refresh = await postToken(sandbox, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
      });
      expect(refresh.status).toBe(400);
    });

    it('keeps other users installed', async () => {
      const first = await installHere(0, 0);
      const second = await installHere(0, 1);
      await control(sandbox, 'uninstall', {
        companyId: first.company.id,
        userId: first.user.id,
      });
      const me = await apiGet(
        second.tokens.api_domain,
        second.tokens.access_token,
        '/api/v1/users/me',
      );

      expect(me.status).toBe(200);
    });

    it('uninstalls on revoking the refresh token', async () => {
      const { tokens } = await installHere();
      const otherAccess = await postToken(sandbox, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
      });
      const other = await readJson(otherAccess);
      await fetch(`${tokens.api_domain}/api/v1/webhooks`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokens.access_token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          subscription_url: 'http://127.0.0.1:9/hook',
          event_action: '*',
          event_object: '*',
          name: 'Removed on uninstall',
        }),
      });
      const revoke = await fetch(`${sandbox.oauthUrl}/oauth/revoke`, {
        method: 'POST',
        headers: {
          authorization: basicAuth(),
          'content-type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({
          token: tokens.refresh_token,
          token_type_hint: 'refresh_token',
        }),
      });

      expect(revoke.status).toBe(200);
      for (const accessToken of [tokens.access_token, other.access_token]) {
        const me = await apiGet(
          tokens.api_domain,
          accessToken,
          '/api/v1/users/me',
        );
        expect(me.status).toBe(401);
      }
      const refresh = await postToken(sandbox, {
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
      });
      expect(refresh.status).toBe(400);
      const reinstalled = await installHere();
      const hooks = await apiGet(
        reinstalled.tokens.api_domain,
        reinstalled.tokens.access_token,
        '/api/v1/webhooks',
      );
      expect((await readJson(hooks)).data).toEqual([]);
      expect(receiver.requests).toHaveLength(0);
    });

    it('reports a callback that cannot be reached', async () => {
      const unreachable = await startTestSandbox({
        app: { ...TEST_APP, redirectUri: 'http://127.0.0.1:9/oauth/callback' },
      });
      try {
        const company = unreachable.companies()[0];
        const response = await control(unreachable, 'uninstall', {
          companyId: company.id,
          userId: company.users[0].id,
        });

        expect(await readJson(response)).toEqual({
          notified: false,
          status: null,
        });
      } finally {
        await unreachable.close();
      }
    });
  });

  describe('restart', () => {
    it('keeps tokens, webhooks, records and api_domains', async () => {
      const stateFile = await temporaryStateFile();
      const first = await startTestSandbox({ stateFile });
      const tokens = await install(first);
      const companyId = first.companies()[0].id;
      const apiDomain = first.apiDomain(companyId);
      await fetch(`${tokens.api_domain}/api/v1/webhooks`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${tokens.access_token}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          subscription_url: 'http://127.0.0.1:9/hook',
          event_action: '*',
          event_object: 'lead',
          name: 'Survives restart',
        }),
      });
      await control(first, 'events', {
        companyId,
        object: 'lead',
        action: 'create',
      });
      const leadsBefore = await readJson(
        await apiGet(apiDomain, tokens.access_token, '/api/v1/leads?limit=500'),
      );
      await first.close();

      const saved = await readFile(stateFile, 'utf8');
      expect(saved).not.toContain(tokens.access_token);
      expect(saved).not.toContain(tokens.refresh_token);

      const second = await startTestSandbox({ stateFile });
      try {
        expect(second.apiDomain(companyId)).toBe(apiDomain);
        const me = await apiGet(
          apiDomain,
          tokens.access_token,
          '/api/v1/users/me',
        );
        expect(me.status).toBe(200);
        const refresh = await postToken(second, {
          grant_type: 'refresh_token',
          refresh_token: tokens.refresh_token,
        });
        expect(refresh.status).toBe(200);
        const hooks = await readJson(
          await apiGet(apiDomain, tokens.access_token, '/api/v1/webhooks'),
        );
        expect(hooks.data.map((hook: any) => hook.name)).toEqual([
          'Survives restart',
        ]);
        const leadsAfter = await readJson(
          await apiGet(
            apiDomain,
            tokens.access_token,
            '/api/v1/leads?limit=500',
          ),
        );
        expect(leadsAfter.data).toEqual(leadsBefore.data);
      } finally {
        await second.close();
      }
    });

    it('falls back to a free port when the saved one is taken', async () => {
      const stateFile = await temporaryStateFile();
      const first = await startTestSandbox({ stateFile });
      const companyId = first.companies()[0].id;
      const apiDomain = first.apiDomain(companyId);
      await first.close();
      const blockerPort = Number(new URL(apiDomain).port);
      const server = createServer();
      await new Promise<void>((resolve) =>
        server.listen(blockerPort, '127.0.0.1', resolve),
      );
      try {
        const second = await startTestSandbox({ stateFile });
        expect(second.apiDomain(companyId)).not.toBe(apiDomain);
        await second.close();
      } finally {
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it('uses port P+k for company k with a fixed port', async () => {
      const probe = await startTestSandbox();
      const base = Number(new URL(probe.oauthUrl).port);
      await probe.close();
      const fixed = await startTestSandbox({ port: base });
      try {
        const ports = fixed
          .companies()
          .map((company) => Number(new URL(company.apiDomain).port));

        expect(fixed.oauthUrl).toBe(`http://127.0.0.1:${base}`);
        expect(ports).toEqual(ports.map((_, index) => base + index + 1));
      } finally {
        await fixed.close();
      }
    });
  });
});
