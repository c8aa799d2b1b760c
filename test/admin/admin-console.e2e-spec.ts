import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { control, installThroughConsent } from '../support/install';
import { startStack, type TestStack } from '../support/stack';

const CHROMIUM = '/usr/bin/chromium';
const SCREENSHOT = join(__dirname, '..', '..', 'docs', 'admin-console.png');
/** Screenshots of each tab at 1200 px, for checking the narrow layout by eye. */
const SCREENSHOT_1200_PREFIX = join(tmpdir(), 'admin-console-1200-');

const describeWithBrowser = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) {
  console.warn(
    `Skipping the admin console browser test: ${CHROMIUM} is missing (install Debian's chromium package).`,
  );
}

/** Widths in CSS pixels, measured in the browser. */
interface TableLayout {
  viewportWidth: number;
  pageWidth: number;
  cardRight: number;
  cardWidth: number;
  /** Scroll width of the table's card, which is the table's own width. */
  tableWidth: number;
}

interface SandboxStats {
  grants: { authorization_code: number; refresh_token: number };
}

/** Accepts the next confirm dialog; resolves to its message. */
function acceptNextDialog(page: Page): Promise<string> {
  return new Promise((resolve, reject) => {
    page.once('dialog', (dialog) => {
      dialog.accept().then(() => resolve(dialog.message()), reject);
    });
  });
}

describeWithBrowser('admin console in headless Chromium', () => {
  let stack: TestStack;
  let context: BrowserContext;
  let page: Page;
  let userDataDir: string;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    stack = await startStack();
    userDataDir = mkdtempSync(join(tmpdir(), 'admin-console-chromium-'));
    context = await chromium.launchPersistentContext(userDataDir, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1440, height: 900 },
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    page = context.pages()[0] ?? (await context.newPage());
    page.on('pageerror', (error) => pageErrors.push(error.message));
    page.on('console', (message) => {
      // Browsers ask every origin for /favicon.ico, the sandbox included.
      if (
        message.type() === 'error' &&
        !message.location().url.endsWith('/favicon.ico')
      ) {
        pageErrors.push(`${message.text()} (${message.location().url})`);
      }
    });
  });

  afterAll(async () => {
    await context?.close();
    if (userDataDir) {
      rmSync(userDataDir, { recursive: true, force: true });
    }
    await stack?.close();
  });

  it('installs, refreshes and revokes through the browser', async () => {
    // Two more installations and an uninstalled row with a hostile name, so the list is realistic.
    await installThroughConsent(stack, {
      companyId: stack.sandbox.companies()[0].id,
    });
    await installThroughConsent(stack, {
      companyId: stack.sandbox.companies()[2].id,
    });
    const hostileName = '<img src=x id=injected>Acme & Co';
    await stack.db.query(
      `INSERT INTO installations (id, company_id, user_id, company_name, user_name, status, api_domain)
       VALUES ($1, 777001, 1, $2, 'Former user', 'uninstalled', 'http://127.0.0.1:1')`,
      [randomUUID(), hostileName],
    );
    const company = stack.sandbox.companies()[1];
    const user = company.users[0];

    // Install through the sandbox's consent page, as a user would.
    await page.goto(`${stack.url}/oauth/authorize`);
    await page.selectOption('#company_id', String(company.id));
    await page.selectOption('#user_id', String(user.id));
    await page.getByRole('button', { name: 'Allow and install' }).click();
    await page.getByText('App installed').waitFor();
    const row = await stack.db.query(
      'SELECT id FROM installations WHERE company_id = $1 AND user_id = $2',
      [company.id, user.id],
    );
    expect(row.rows).toHaveLength(1);
    const installationId = row.rows[0].id as string;

    // Sign in to the console with the admin key.
    await page.goto(`${stack.url}/admin`);
    await page.fill('#admin-key', stack.adminKey);
    await page.getByRole('button', { name: 'Connect' }).click();
    const listed = page.locator(`tr[data-installation-id="${installationId}"]`);
    await listed.waitFor();
    expect(await page.locator('#installations-table tbody tr').count()).toBe(4);
    // The browser evaluates these expressions; the test's TypeScript has no DOM types.
    expect(
      await page.evaluate(
        "sessionStorage.getItem('pipedriveGateway.adminKey')",
      ),
    ).toBe(stack.adminKey);
    expect(await page.evaluate('localStorage.length')).toBe(0);

    // Data is shown as text, never parsed as HTML.
    await page.getByText(hostileName).waitFor();
    expect(await page.locator('#injected').count()).toBe(0);

    // Refresh, accepting the confirmation.
    await listed.click();
    await page
      .locator('#installation-detail h2')
      .getByText(company.name)
      .waitFor();
    const before = await control<SandboxStats>(stack, 'stats');
    const refreshPrompt = acceptNextDialog(page);
    await page.click('#action-refresh');
    expect(await refreshPrompt).toContain('Refresh the tokens');
    await page.locator('#notice').getByText('Tokens refreshed.').waitFor();
    const after = await control<SandboxStats>(stack, 'stats');
    expect(after.grants.refresh_token).toBe(before.grants.refresh_token + 1);
    const refreshed = await stack.db.query(
      'SELECT last_refresh_outcome FROM installations WHERE id = $1',
      [installationId],
    );
    expect(refreshed.rows[0].last_refresh_outcome).toBe('refreshed');

    // Revoke, accepting the confirmation.
    const revokePrompt = acceptNextDialog(page);
    await page.click('#action-revoke');
    expect(await revokePrompt).toContain('Revoke the grant');
    await page
      .locator('#notice')
      .getByText('Installation revoked at Pipedrive and its tokens erased.')
      .waitFor();
    await page.locator('#installation-detail .badge.revoked').waitFor();
    await listed.locator('.badge.revoked').waitFor();
    const revoked = await stack.db.query(
      'SELECT status, refresh_token_ciphertext FROM installations WHERE id = $1',
      [installationId],
    );
    expect(revoked.rows[0]).toEqual({
      status: 'revoked',
      refresh_token_ciphertext: null,
    });

    await page.screenshot({ path: SCREENSHOT });
    expect(pageErrors).toEqual([]);
  });

  it('erases an installation after confirmation', async () => {
    const hostileRow = page.locator('tr[data-company-id="777001"]');
    await hostileRow.click();
    await page.locator('#installation-detail .badge.uninstalled').waitFor();

    const erasePrompt = acceptNextDialog(page);
    await page.click('#action-erase');

    expect(await erasePrompt).toContain('Erase installation');
    await page.locator('#notice').getByText('Installation erased.').waitFor();
    await hostileRow.waitFor({ state: 'detached' });
    const remaining = await stack.db.query(
      'SELECT count(*) AS count FROM installations WHERE company_id = 777001',
    );
    expect(Number(remaining.rows[0].count)).toBe(0);
    expect(pageErrors).toEqual([]);
  });

  it('shows both actions in the audit log tab', async () => {
    await page.getByRole('tab', { name: 'Audit log' }).click();
    await page
      .locator('#audit-log-table')
      .getByText('installation.revoke')
      .waitFor();

    expect(
      await page
        .locator('#audit-log-table')
        .getByText('installation.refresh')
        .count(),
    ).toBe(1);
    expect(
      await page
        .locator('#audit-log-table')
        .getByText('installation.erase')
        .count(),
    ).toBe(1);
    expect(pageErrors).toEqual([]);
  });

  it('lists a delivered webhook event', async () => {
    const companyId = stack.sandbox.companies()[0].id;
    const subscribed = await fetch(
      `${stack.url}/companies/${companyId}/api/v1/webhooks`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${stack.adminKey}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          event_action: 'change',
          event_object: 'deal',
          name: 'console',
        }),
      },
    );
    expect(subscribed.status).toBe(201);
    const emitted = await control<{ eventId: string; deliveries: number }>(
      stack,
      'events',
      {
        companyId,
        object: 'deal',
        action: 'change',
      },
    );
    expect(emitted.deliveries).toBe(1);
    // Delivery is asynchronous, so wait until the gateway has stored the event.
    for (let attempt = 0; attempt < 50; attempt++) {
      const count = await stack.db.query(
        'SELECT count(*) AS count FROM webhook_events',
      );
      if (Number(count.rows[0].count) > 0) {
        break;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }

    await page.getByRole('tab', { name: 'Webhook events' }).click();
    const row = page
      .locator('#webhook-events-table tbody tr')
      .filter({ hasText: 'deal' });
    await row.waitFor();

    expect(await row.textContent()).toContain(String(companyId));
    expect(await row.textContent()).toContain('change');
    expect(pageErrors).toEqual([]);
  });

  it('creates an API key and shows it once', async () => {
    await page.getByRole('tab', { name: 'API keys' }).click();
    await page.fill('#api-key-name', 'reporting service');
    await page.getByRole('button', { name: 'Create key' }).click();
    const key = await page.locator('#new-key-value').textContent();

    expect(key).toMatch(/^pgw_/);
    await page
      .locator('#api-keys-table')
      .getByText('reporting service')
      .waitFor();
    expect(await page.locator('#api-keys-table').textContent()).not.toContain(
      key,
    );
    expect(pageErrors).toEqual([]);
  });

  it('fits every table at 1200 px', async () => {
    await page.setViewportSize({ width: 1200, height: 900 });
    const tabs = [
      ['Installations', 'installations-table'],
      ['API keys', 'api-keys-table'],
      ['Webhook events', 'webhook-events-table'],
      ['Audit log', 'audit-log-table'],
    ];
    for (const [tab, tableId] of tabs) {
      await page.getByRole('tab', { name: tab }).click();
      await page.locator(`#${tableId} tbody tr`).first().waitFor();
      // The browser evaluates this expression; the test's TypeScript has no DOM types.
      const layout = await page.evaluate<TableLayout>(
        `(() => {
          const table = document.getElementById(${JSON.stringify(tableId)});
          const card = table.closest('.table-card');
          return {
            viewportWidth: window.innerWidth,
            pageWidth: document.documentElement.scrollWidth,
            cardRight: Math.round(card.getBoundingClientRect().right),
            cardWidth: card.clientWidth,
            tableWidth: card.scrollWidth,
          };
        })()`,
      );

      // Each check names the tab, so a failure says which table is cut off.
      expect({ tab, pageWidth: layout.pageWidth }).toEqual({
        tab,
        pageWidth: layout.viewportWidth,
      });
      expect({
        tab,
        cardInView: layout.cardRight <= layout.viewportWidth,
      }).toEqual({ tab, cardInView: true });
      expect({ tab, tableFits: layout.tableWidth <= layout.cardWidth }).toEqual(
        { tab, tableFits: true },
      );
      await page.screenshot({
        path: `${SCREENSHOT_1200_PREFIX}${tableId}.png`,
      });
    }
    expect(pageErrors).toEqual([]);
  });
});
