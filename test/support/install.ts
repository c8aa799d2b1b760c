import { type TestStack } from './stack';

export interface InstallResult {
  companyId: number;
  userId: number;
  /** The final page's HTTP status. */
  status: number;
  page: string;
}

/** Extracts the name/value pairs a browser would submit from the consent form. */
export function readConsentForm(html: string): {
  action: string;
  fields: Record<string, string>;
} {
  const action =
    /<form[^>]*action="([^"]+)"/.exec(html)?.[1] ?? '/oauth/authorize';
  const fields: Record<string, string> = {};
  for (const match of html.matchAll(/<input[^>]*type="hidden"[^>]*>/g)) {
    const name = /name="([^"]+)"/.exec(match[0])?.[1];
    const value = /value="([^"]*)"/.exec(match[0])?.[1] ?? '';
    if (name) {
      fields[name] = decodeEntities(value);
    }
  }
  for (const match of html.matchAll(
    /<select[^>]*name="([^"]+)"[^>]*>([\s\S]*?)<\/select>/g,
  )) {
    const selected = /<option[^>]*value="([^"]*)"[^>]*selected/.exec(match[2]);
    const first = /<option[^>]*value="([^"]*)"/.exec(match[2]);
    fields[match[1]] = decodeEntities((selected ?? first)?.[1] ?? '');
  }

  return { action, fields };
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&');
}

function cookieFrom(response: Response): string {
  return response.headers
    .getSetCookie()
    .map((cookie) => cookie.split(';')[0])
    .join('; ');
}

/** Starts a browser install; tests may tamper with its steps in between. */
export async function beginInstall(
  stack: Pick<TestStack, 'url'>,
): Promise<{ consentUrl: string; cookie: string }> {
  const start = await fetch(`${stack.url}/oauth/authorize`, {
    redirect: 'manual',
  });
  if (start.status !== 302) {
    throw new Error(`/oauth/authorize answered ${start.status}`);
  }

  return {
    consentUrl: start.headers.get('location') ?? '',
    cookie: cookieFrom(start),
  };
}

/** Submits the consent form with optional choices; returns the redirect back to the gateway. */
export async function submitConsent(
  consentUrl: string,
  choice: {
    companyId?: number;
    userId?: number;
    decision?: 'allow' | 'deny';
  } = {},
): Promise<string> {
  const consent = await fetch(consentUrl);
  const html = await consent.text();
  const { action, fields } = readConsentForm(html);
  if (choice.companyId !== undefined) {
    fields.company_id = String(choice.companyId);
  }
  if (choice.userId !== undefined) {
    fields.user_id = String(choice.userId);
  }
  fields.decision = choice.decision ?? 'allow';
  const submitted = await fetch(new URL(action, consentUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
  if (submitted.status !== 302) {
    throw new Error(
      `consent form answered ${submitted.status}: ${await submitted.text()}`,
    );
  }

  return submitted.headers.get('location') ?? '';
}

/** Installs the app like a browser: authorize, consent, callback. */
export async function installThroughConsent(
  stack: Pick<TestStack, 'url' | 'sandbox'>,
  choice: { companyId?: number; userId?: number } = {},
): Promise<InstallResult> {
  const companies = stack.sandbox.companies();
  const company =
    companies.find((c) => c.id === choice.companyId) ?? companies[0];
  const userId = choice.userId ?? company.users[0].id;
  const { consentUrl, cookie } = await beginInstall(stack);
  const callbackUrl = await submitConsent(consentUrl, {
    companyId: company.id,
    userId,
  });
  const callback = await fetch(callbackUrl, {
    headers: { cookie },
    redirect: 'manual',
  });
  const page = await callback.text();

  return { companyId: company.id, userId, status: callback.status, page };
}

/** GET with the admin key (or another bearer credential). */
export function getAs(
  stack: TestStack,
  path: string,
  credential = stack.adminKey,
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${stack.url}${path}`, {
    headers: { authorization: `Bearer ${credential}`, ...headers },
  });
}

/** Calls a sandbox control. */
export async function control<T = unknown>(
  stack: { sandbox: { oauthUrl: string } },
  path: string,
  body?: unknown,
): Promise<T> {
  const response = await fetch(`${stack.sandbox.oauthUrl}/_sandbox/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) {
    throw new Error(
      `sandbox control ${path} answered ${response.status}: ${await response.text()}`,
    );
  }

  return (await response.json()) as T;
}

/** Parses a JSON response body for assertions. */
export async function readJson(response: Response): Promise<any> {
  return response.json();
}
