import type { CompanyRecord } from '../state/sandbox-data';
import { escapeHtml } from '../../common/html/escape-html';

export interface ConsentPageInput {
  companies: CompanyRecord[];
  clientId: string;
  redirectUri: string;
  state: string | undefined;
  scopes: string[];
  /** Message shown above the form after a submission that was rejected. */
  error?: string;
  /** Submitted choices, preselected when the form is shown again. */
  selectedCompanyId?: string;
  selectedUserId?: string;
}

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 3rem auto; color: #1a1a1a; }
label { display: block; margin: 1rem 0 0.25rem; font-weight: 600; }
select { width: 100%; padding: 0.4rem; }
.buttons { margin-top: 1.5rem; display: flex; gap: 1rem; }
button { padding: 0.5rem 1.25rem; font-size: 1rem; }
.note { color: #555; font-size: 0.9rem; }
.error { color: #8a1c1c; background: #fdecec; border: 1px solid #e8b4b4; padding: 0.5rem 0.75rem; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function selectedAttribute(value: number, selected: string | undefined) {
  return String(value) === selected ? ' selected' : '';
}

/**
 * Renders the consent form. The first company and its first user come
 * first, so submitting the form unchanged installs as that user. After a
 * rejected submission, `input.error` is shown above the form and the
 * submitted company and user stay selected.
 */
export function renderConsentPage(input: ConsentPageInput): string {
  const companyOptions = input.companies
    .map(
      (company) =>
        `<option value="${company.id}"${selectedAttribute(company.id, input.selectedCompanyId)}>${escapeHtml(company.name)} (${escapeHtml(company.domain)})</option>`,
    )
    .join('\n');
  const userGroups = input.companies
    .map((company) => {
      const options = company.users
        .map(
          (user) =>
            `<option value="${user.id}"${selectedAttribute(user.id, input.selectedUserId)}>${escapeHtml(user.name)} &lt;${escapeHtml(user.email)}&gt;${user.is_admin ? ' (admin)' : ''}</option>`,
        )
        .join('\n');

      return `<optgroup label="${escapeHtml(company.name)}">\n${options}\n</optgroup>`;
    })
    .join('\n');
  const state =
    input.state === undefined
      ? ''
      : `<input type="hidden" name="state" value="${escapeHtml(input.state)}">`;
  const error =
    input.error === undefined
      ? ''
      : `<p class="error" role="alert">${escapeHtml(input.error)}</p>\n`;

  return page(
    'Install app - Pipedrive sandbox',
    `<h1>Install app</h1>
<p>The app <code>${escapeHtml(input.clientId)}</code> asks for these scopes:
<code>${escapeHtml(input.scopes.join(', '))}</code></p>
${error}<form method="post" action="/oauth/authorize">
<input type="hidden" name="client_id" value="${escapeHtml(input.clientId)}">
<input type="hidden" name="redirect_uri" value="${escapeHtml(input.redirectUri)}">
${state}
<label for="company_id">Company</label>
<select id="company_id" name="company_id">
${companyOptions}
</select>
<label for="user_id">User (must belong to the company)</label>
<select id="user_id" name="user_id">
${userGroups}
</select>
<div class="buttons">
<button type="submit" name="decision" value="allow">Allow and install</button>
<button type="submit" name="decision" value="deny">Deny</button>
</div>
</form>
<p class="note">Pipedrive sandbox: no real Pipedrive account is involved.</p>`,
  );
}

export function renderErrorPage(message: string): string {
  return page(
    'Authorization failed - Pipedrive sandbox',
    `<h1>Authorization failed</h1>\n<p>${escapeHtml(message)}</p>`,
  );
}
