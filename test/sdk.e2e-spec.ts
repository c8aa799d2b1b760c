import { v1 } from 'pipedrive';
import { installThroughConsent } from './support/install';
import { startStack, type TestStack } from './support/stack';
import { validatePipedriveResponse } from './support/pipedrive-schemas';

/**
 * The official `pipedrive` SDK (v33, v1 API classes) pointed at the gateway:
 * its basePath is the company's mirror of `{api_domain}/api/v1`, and its
 * OAuth access token is the gateway's admin key, sent as a Bearer token.
 */
describe('official pipedrive SDK through the gateway', () => {
  let stack: TestStack;
  let companyId: number;
  let configuration: v1.Configuration;

  beforeAll(async () => {
    stack = await startStack();
    ({ companyId } = await installThroughConsent(stack));
    configuration = new v1.Configuration({
      accessToken: stack.adminKey,
      basePath: `${stack.url}/companies/${companyId}/api/v1`,
    });
  });

  afterAll(async () => {
    await stack.close();
  });

  it('LeadsApi reads leads', async () => {
    const leads = await new v1.LeadsApi(configuration).getLeads({
      limit: 25,
      start: 5,
    });

    expect(leads.success).toBe(true);
    expect(leads.data).toHaveLength(25);
    expect(validatePipedriveResponse('GET', '/v1/leads', 200, leads)).toEqual(
      [],
    );
  });

  it('LeadsApi reads archived leads', async () => {
    const archived = await new v1.LeadsApi(configuration).getArchivedLeads({
      limit: 500,
    });

    expect(archived.success).toBe(true);
    expect(archived.data?.length).toBeGreaterThan(0);
    for (const lead of archived.data ?? []) {
      expect(lead.is_archived).toBe(true);
    }
    expect(
      validatePipedriveResponse('GET', '/v1/leads/archived', 200, archived),
    ).toEqual([]);
  });

  it('NotesApi reads notes', async () => {
    const notes = await new v1.NotesApi(configuration).getNotes({
      limit: 30,
      sort: 'id DESC',
    });
    const ids = (notes.data ?? []).map((note) => note.id ?? 0);

    expect(notes.success).toBe(true);
    expect(ids).toHaveLength(30);
    expect(ids).toEqual([...ids].sort((a, b) => b - a));
    expect(validatePipedriveResponse('GET', '/v1/notes', 200, notes)).toEqual(
      [],
    );
  });

  it('FilesApi reads files', async () => {
    const files = await new v1.FilesApi(configuration).getFiles({
      limit: 100,
    });

    expect(files.success).toBe(true);
    expect(files.data).toHaveLength(100);
    expect(validatePipedriveResponse('GET', '/v1/files', 200, files)).toEqual(
      [],
    );
  });

  it('ProductFieldsApi reads product fields', async () => {
    const fields = await new v1.ProductFieldsApi(
      configuration,
    ).getProductFields();

    expect(fields.success).toBe(true);
    expect(fields.data?.length).toBeGreaterThan(0);
    expect(
      validatePipedriveResponse('GET', '/v1/productFields', 200, fields),
    ).toEqual([]);
  });

  it('UserSettingsApi reads user settings', async () => {
    const settings = await new v1.UserSettingsApi(
      configuration,
    ).getUserSettings();

    expect(settings.success).toBe(true);
    expect(settings.data).toBeTruthy();
    expect(
      validatePipedriveResponse('GET', '/v1/userSettings', 200, settings),
    ).toEqual([]);
  });

  it('DealsApi reads the deals summary', async () => {
    const summary = await new v1.DealsApi(configuration).getDealsSummary({
      status: 'open',
    });

    expect(summary.success).toBe(true);
    expect(summary.data?.total_count).toBeGreaterThan(0);
    expect(
      validatePipedriveResponse('GET', '/v1/deals/summary', 200, summary),
    ).toEqual([]);
  });

  it('SDK sees the gateway’s 400 for a bad limit', async () => {
    const rejection = (await new v1.FilesApi(configuration)
      .getFiles({ limit: 101 })
      .catch((error: unknown) => error)) as {
      success?: boolean;
      code?: string;
      fields?: Array<{ field: string }>;
    };

    expect(rejection.success).toBe(false);
    expect(rejection.code).toBe('validation_failed');
    expect(rejection.fields?.[0].field).toBe('limit');
  });

  it('WebhooksApi creates a webhook', async () => {
    const created = await new v1.WebhooksApi(configuration).addWebhook({
      AddWebhookRequest: {
        subscription_url: 'http://127.0.0.1:9/pipedrive-hook',
        event_action: 'create',
        event_object: 'deal',
        name: 'SDK test hook',
        http_auth_user: 'sdk-test',
        http_auth_password: 'sdk-test-password',
      },
    });

    expect(created.success).toBe(true);
    expect(created.data?.id).toBeGreaterThan(0);
    expect(created.data?.subscription_url).toBe(
      'http://127.0.0.1:9/pipedrive-hook',
    );
    expect(created.data?.event_object).toBe('deal');
    expect(
      validatePipedriveResponse('POST', '/v1/webhooks', 201, created),
    ).toEqual([]);

    const listed = await new v1.WebhooksApi(configuration).getWebhooks();
    const ids = (listed.data ?? []).map((webhook) => webhook.id);

    expect(ids).toContain(created.data?.id);
  });
});
