/** Minimal HTML pages shown to the person installing the app. */

import { escapeHtml } from '../common/html/escape-html';

function page(title: string, body: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>
body { font-family: system-ui, sans-serif; max-width: 36rem; margin: 4rem auto; padding: 0 1rem; color: #1b1f24; }
h1 { font-size: 1.5rem; }
code { background: #f1f3f5; padding: 0.1rem 0.3rem; border-radius: 3px; }
</style>
</head>
<body>
${body}
</body>
</html>
`;
}

export function installedPage(details: {
  companyId: number;
  companyName: string | null;
  userName: string | null;
}): string {
  const company = details.companyName
    ? `${escapeHtml(details.companyName)} (company ${details.companyId})`
    : `company ${details.companyId}`;
  const user = details.userName ? ` for ${escapeHtml(details.userName)}` : '';

  return page(
    'App installed',
    `<h1>App installed</h1>
<p>The app is installed in ${company}${user}.</p>
<p>Its Pipedrive API is now available at <code>/companies/${details.companyId}/api/v1/</code>.</p>`,
  );
}

export function notInstalledPage(reason: string): string {
  return page(
    'App not installed',
    `<h1>App not installed</h1>
<p>${escapeHtml(reason)}</p>
<p><a href="/oauth/authorize">Start the install again</a></p>`,
  );
}

export function installFailedPage(message: string): string {
  return page(
    'Install failed',
    `<h1>Install failed</h1>
<p>${escapeHtml(message)}</p>
<p><a href="/oauth/authorize">Start the install again</a></p>`,
  );
}
