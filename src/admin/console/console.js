// Admin console: calls the gateway's admin API with the operator's key.
// Every value from the API is put into the page with textContent, never as
// HTML. The key is kept in sessionStorage only, so it ends with the tab.
'use strict';

(function () {
  const KEY_STORAGE = 'pipedriveGateway.adminKey';
  const PAGE_SIZE = 25;

  const state = {
    key: sessionStorage.getItem(KEY_STORAGE) || '',
    selectedId: null,
    cursors: {},
  };

  const byId = (id) => document.getElementById(id);

  /** Creates an element with properties and children (strings become text nodes). */
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(props || {})) {
      if (name === 'className') {
        node.className = value;
      } else if (name.startsWith('on')) {
        node.addEventListener(name.slice(2), value);
      } else if (name === 'dataset') {
        Object.assign(node.dataset, value);
      } else {
        node.setAttribute(name, value);
      }
    }
    for (const child of children) {
      if (child === null || child === undefined || child === false) {
        continue;
      }
      node.append(
        child instanceof Node ? child : document.createTextNode(String(child)),
      );
    }

    return node;
  }

  function formatDate(value) {
    if (!value) {
      return '—';
    }

    return new Date(value).toLocaleString(undefined, {
      month: 'short',
      day: 'numeric',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
  }

  function humanize(value) {
    return String(value).replace(/_/g, ' ');
  }

  function badge(value) {
    return el('span', { className: `badge ${value}` }, humanize(value));
  }

  /** Creates a badge for a refresh outcome, coloured as success or failure. */
  function refreshBadge(outcome) {
    const kind = outcome === 'refreshed' ? 'success' : 'failure';

    return el('span', { className: `badge ${kind}` }, humanize(outcome));
  }

  function notify(message, isError) {
    const notice = byId('notice');
    notice.textContent = message;
    notice.className = isError ? 'notice error' : 'notice';
    notice.hidden = false;
  }

  function clearNotice() {
    byId('notice').hidden = true;
  }

  class ApiError extends Error {
    constructor(status, code, message) {
      super(message);
      this.status = status;
      this.code = code;
    }
  }

  async function api(method, path, body) {
    const headers = { authorization: `Bearer ${state.key}` };
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
    }
    const response = await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
    });
    if (response.status === 204) {
      return null;
    }
    const payload = await response.json().catch(() => null);
    if (!response.ok) {
      const code =
        payload && payload.code ? payload.code : 'http_' + response.status;
      const message =
        payload && payload.error ? payload.error : response.statusText;
      if (code === 'unauthorized' || code === 'forbidden') {
        signOut();
        notify('The admin key was not accepted: ' + message, true);
      }
      throw new ApiError(response.status, code, message);
    }

    return payload;
  }

  function reportError(error) {
    if (error instanceof ApiError) {
      notify(`${error.message} (${error.code})`, true);
    } else {
      notify(`Request failed: ${error.message}`, true);
    }
  }

  /** Loads one page of a list into a table body. With `append`, earlier rows stay. */
  async function loadList(name, path, params, renderRow, columns, append) {
    const query = new URLSearchParams(params);
    query.set('limit', String(PAGE_SIZE));
    if (append && state.cursors[name]) {
      query.set('cursor', state.cursors[name]);
    }
    const page = await api('GET', `${path}?${query.toString()}`);
    const body = byId(`${name}-table`).querySelector('tbody');
    if (!append) {
      body.replaceChildren();
    }
    for (const item of page.data) {
      body.append(renderRow(item));
    }
    if (!body.children.length) {
      body.append(
        el(
          'tr',
          {},
          el(
            'td',
            { className: 'empty', colspan: String(columns) },
            'Nothing to show',
          ),
        ),
      );
    }
    state.cursors[name] = page.nextCursor;
    byId(`${name}-more`).hidden = !page.nextCursor;

    return page;
  }

  // Installations

  function installationRow(item) {
    const row = el(
      'tr',
      {
        className:
          item.id === state.selectedId ? 'clickable selected' : 'clickable',
        dataset: { installationId: item.id, companyId: String(item.companyId) },
        onclick: () => showInstallation(item.id),
      },
      el(
        'td',
        {},
        item.companyName || `Company ${item.companyId}`,
        el('span', { className: 'sub mono' }, `#${item.companyId}`),
      ),
      el(
        'td',
        {},
        item.userName || `User ${item.userId}`,
        el(
          'span',
          { className: 'sub mono' },
          `#${item.userId}${item.userIsAdmin ? ' · admin' : ''}`,
        ),
      ),
      el('td', {}, badge(item.status)),
      el('td', {}, formatDate(item.installedAt)),
      el('td', {}, formatDate(item.accessTokenExpiresAt)),
      el(
        'td',
        {},
        item.lastRefreshOutcome ? refreshBadge(item.lastRefreshOutcome) : '—',
        item.lastRefreshAt
          ? el('span', { className: 'sub' }, formatDate(item.lastRefreshAt))
          : null,
      ),
    );

    return row;
  }

  async function loadInstallations(append) {
    const params = {};
    const status = byId('filter-status').value;
    const company = byId('filter-company').value.trim();
    if (status) {
      params.status = status;
    }
    if (company) {
      params.companyId = company;
    }
    try {
      const page = await loadList(
        'installations',
        '/admin/installations',
        params,
        installationRow,
        6,
        append,
      );
      const shown = byId('installations-table').querySelectorAll(
        'tr[data-installation-id]',
      ).length;
      byId('installations-summary').textContent =
        `${shown} shown${page.nextCursor ? ', more available' : ''}`;
    } catch (error) {
      reportError(error);
    }
  }

  function detailItem(label, value) {
    return [
      el('dt', {}, label),
      el(
        'dd',
        {},
        value === null || value === undefined || value === '' ? '—' : value,
      ),
    ];
  }

  function renderInstallation(item) {
    const panel = byId('installation-detail');
    const actions = el('div', { className: 'actions' });
    const usable =
      item.status === 'active' || item.status === 'reauthorization_required';
    actions.append(
      el(
        'button',
        {
          type: 'button',
          className: 'primary',
          id: 'action-refresh',
          onclick: () => runAction(item, 'refresh'),
        },
        'Refresh tokens',
      ),
      el(
        'button',
        {
          type: 'button',
          className: 'danger',
          id: 'action-revoke',
          onclick: () => runAction(item, 'revoke'),
        },
        'Revoke',
      ),
      el(
        'button',
        {
          type: 'button',
          className: 'danger',
          id: 'action-erase',
          onclick: () => runAction(item, 'erase'),
        },
        'Erase',
      ),
    );
    if (!usable) {
      actions.querySelector('#action-refresh').disabled = true;
    }
    panel.replaceChildren(
      el('h2', {}, item.companyName || `Company ${item.companyId}`),
      el(
        'div',
        {},
        badge(item.status),
        ' ',
        el('span', { className: 'muted mono' }, item.id),
      ),
      el(
        'dl',
        {},
        ...detailItem('Company id', String(item.companyId)),
        ...detailItem(
          'User',
          `${item.userName || '—'} (#${item.userId}${item.userIsAdmin ? ', admin' : ''})`,
        ),
        ...detailItem('API domain', item.apiDomain),
        ...detailItem(
          'Scopes',
          item.scopes.length ? item.scopes.join(', ') : null,
        ),
        ...detailItem('Installed', formatDate(item.installedAt)),
        ...detailItem('Updated', formatDate(item.updatedAt)),
        ...detailItem(
          'Access token expires',
          formatDate(item.accessTokenExpiresAt),
        ),
        ...detailItem(
          'Last refresh',
          item.lastRefreshAt
            ? `${formatDate(item.lastRefreshAt)} (${humanize(item.lastRefreshOutcome)})`
            : null,
        ),
        ...detailItem(
          'Failed refreshes in a row',
          String(item.consecutiveRefreshFailures),
        ),
        ...detailItem(
          'Revocation pending',
          item.revocationPending ? 'yes, retrying' : 'no',
        ),
      ),
      actions,
    );
  }

  async function showInstallation(id) {
    state.selectedId = id;
    for (const row of byId('installations-table').querySelectorAll(
      'tr[data-installation-id]',
    )) {
      row.classList.toggle('selected', row.dataset.installationId === id);
    }
    try {
      renderInstallation(
        await api('GET', `/admin/installations/${encodeURIComponent(id)}`),
      );
    } catch (error) {
      reportError(error);
    }
  }

  const ACTIONS = {
    refresh: {
      confirm: (item) =>
        `Refresh the tokens of ${item.companyName || item.companyId} (user ${item.userId}) now?`,
      request: (item) => api('POST', `/admin/installations/${item.id}/refresh`),
      done: () => 'Tokens refreshed.',
    },
    revoke: {
      confirm: (item) =>
        `Revoke the grant of ${item.companyName || item.companyId} (user ${item.userId}) at Pipedrive? This uninstalls the app for that user and erases the tokens.`,
      request: (item) => api('POST', `/admin/installations/${item.id}/revoke`),
      done: (result) =>
        result.revokedAtPipedrive
          ? 'Installation revoked at Pipedrive and its tokens erased.'
          : 'Installation revoked locally; the gateway keeps retrying the revocation at Pipedrive.',
    },
    erase: {
      confirm: (item) =>
        `Erase installation ${item.id} and its tokens without telling Pipedrive? This cannot be undone.`,
      request: (item) => api('DELETE', `/admin/installations/${item.id}`),
      done: () => 'Installation erased.',
    },
  };

  async function runAction(item, name) {
    const action = ACTIONS[name];
    if (!window.confirm(action.confirm(item))) {
      return;
    }
    const buttons = byId('installation-detail').querySelectorAll('button');
    buttons.forEach((button) => (button.disabled = true));
    clearNotice();
    try {
      const result = await action.request(item);
      notify(action.done(result), false);
      if (name === 'erase') {
        state.selectedId = null;
        byId('installation-detail').replaceChildren(
          el('p', { className: 'muted' }, 'Installation erased.'),
        );
      } else {
        renderInstallation(result);
      }
    } catch (error) {
      reportError(error);
      if (name !== 'erase') {
        await showInstallation(item.id);
      }
    }
    await loadInstallations(false);
  }

  // API keys

  function apiKeyRow(item) {
    const revoke = el(
      'button',
      { type: 'button', className: 'danger', onclick: () => revokeKey(item) },
      'Revoke',
    );
    return el(
      'tr',
      { dataset: { apiKeyId: item.id } },
      el('td', {}, item.name),
      el('td', { className: 'mono' }, `${item.keyPrefix}…`),
      el(
        'td',
        {},
        item.companyIds === null ? 'All companies' : item.companyIds.join(', '),
      ),
      el('td', {}, formatDate(item.createdAt)),
      el('td', {}, formatDate(item.lastUsedAt)),
      el('td', {}, item.revokedAt ? badge('revoked') : badge('active')),
      el('td', {}, item.revokedAt ? '' : revoke),
    );
  }

  function loadApiKeys(append) {
    return loadList(
      'api-keys',
      '/admin/api-keys',
      {},
      apiKeyRow,
      7,
      append,
    ).catch(reportError);
  }

  async function createKey(event) {
    event.preventDefault();
    const name = byId('api-key-name').value.trim();
    const companiesText = byId('api-key-companies').value.trim();
    const companyIds = companiesText
      ? companiesText
          .split(/[\s,]+/)
          .filter(Boolean)
          .map(Number)
      : null;
    if (
      companyIds &&
      companyIds.some((id) => !Number.isSafeInteger(id) || id <= 0)
    ) {
      notify(
        'Company ids must be positive integers separated by commas.',
        true,
      );
      return;
    }
    clearNotice();
    try {
      const created = await api('POST', '/admin/api-keys', {
        name,
        companyIds,
      });
      const box = byId('new-key');
      box.replaceChildren(
        el(
          'strong',
          {},
          `Key “${created.name}” created. Copy it now: it is not shown again.`,
        ),
        el('code', { id: 'new-key-value' }, created.key),
        el(
          'button',
          {
            type: 'button',
            onclick: () =>
              navigator.clipboard
                .writeText(created.key)
                .then(() => notify('Key copied.', false)),
          },
          'Copy',
        ),
        ' ',
        el(
          'button',
          {
            type: 'button',
            className: 'ghost',
            onclick: () => {
              box.hidden = true;
              box.replaceChildren();
            },
          },
          'Hide',
        ),
      );
      box.hidden = false;
      byId('api-key-form').reset();
      await loadApiKeys(false);
    } catch (error) {
      reportError(error);
    }
  }

  async function revokeKey(item) {
    if (
      !window.confirm(
        `Revoke API key “${item.name}” (${item.keyPrefix}…)? Services using it stop working at once.`,
      )
    ) {
      return;
    }
    try {
      await api('DELETE', `/admin/api-keys/${item.id}`);
      notify(`API key “${item.name}” revoked.`, false);
      await loadApiKeys(false);
    } catch (error) {
      reportError(error);
    }
  }

  // Webhook events and audit log

  function webhookEventRow(item) {
    return el(
      'tr',
      {},
      el('td', {}, formatDate(item.receivedAt)),
      el('td', { className: 'mono' }, String(item.companyId)),
      el('td', {}, item.object),
      el('td', {}, item.action),
      el('td', { className: 'mono' }, item.entityId || '—'),
      el('td', { className: 'mono' }, item.eventId),
    );
  }

  function loadWebhookEvents(append) {
    return loadList(
      'webhook-events',
      '/admin/webhook-events',
      {},
      webhookEventRow,
      6,
      append,
    ).catch(reportError);
  }

  function auditRow(item) {
    const target = item.installationId
      ? `installation ${item.installationId}${item.companyId ? ` (company ${item.companyId})` : ''}`
      : item.targetId || '—';
    const detail = item.detail
      ? Object.entries(item.detail)
          .map(([name, value]) => `${name}: ${JSON.stringify(value)}`)
          .join(', ')
      : '';
    return el(
      'tr',
      {},
      el('td', {}, formatDate(item.occurredAt)),
      el(
        'td',
        {},
        item.actorType === 'admin'
          ? 'admin'
          : `${humanize(item.actorType)} ${item.actorId}`,
      ),
      el('td', { className: 'mono' }, item.action),
      el('td', { className: 'mono' }, target),
      el(
        'td',
        {},
        badge(item.outcome),
        item.errorCode
          ? el('span', { className: 'sub mono' }, item.errorCode)
          : null,
      ),
      el('td', { className: 'muted' }, detail),
    );
  }

  function loadAuditLog(append) {
    return loadList(
      'audit-log',
      '/admin/audit-log',
      {},
      auditRow,
      6,
      append,
    ).catch(reportError);
  }

  // Navigation and session

  const LOADERS = {
    installations: loadInstallations,
    'api-keys': loadApiKeys,
    'webhook-events': loadWebhookEvents,
    'audit-log': loadAuditLog,
  };

  function showTab(name) {
    for (const button of document.querySelectorAll('.tabs button')) {
      button.classList.toggle('active', button.dataset.tab === name);
    }
    for (const panel of document.querySelectorAll('.tab-panel')) {
      panel.hidden = panel.id !== `tab-${name}`;
    }
    clearNotice();
    return LOADERS[name](false);
  }

  function signIn(key) {
    state.key = key;
    sessionStorage.setItem(KEY_STORAGE, key);
    byId('admin-key').value = '';
    byId('admin-key').hidden = true;
    byId('connect').hidden = true;
    byId('connected').hidden = false;
    byId('sign-out').hidden = false;
    byId('console').hidden = false;
    byId('signed-out').hidden = true;
    return showTab('installations');
  }

  function signOut() {
    state.key = '';
    sessionStorage.removeItem(KEY_STORAGE);
    byId('admin-key').hidden = false;
    byId('connect').hidden = false;
    byId('connected').hidden = true;
    byId('sign-out').hidden = true;
    byId('console').hidden = true;
    byId('signed-out').hidden = false;
  }

  function start() {
    byId('key-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const key = byId('admin-key').value.trim();
      if (key) {
        clearNotice();
        void signIn(key);
      }
    });
    byId('sign-out').addEventListener('click', () => {
      signOut();
      clearNotice();
    });

    for (const button of document.querySelectorAll('.tabs button')) {
      button.addEventListener('click', () => void showTab(button.dataset.tab));
    }

    byId('installations-reload').addEventListener(
      'click',
      () => void loadInstallations(false),
    );
    byId('filter-status').addEventListener(
      'change',
      () => void loadInstallations(false),
    );
    byId('filter-company').addEventListener(
      'change',
      () => void loadInstallations(false),
    );
    byId('installations-more').addEventListener(
      'click',
      () => void loadInstallations(true),
    );

    byId('api-key-form').addEventListener('submit', createKey);
    byId('api-keys-more').addEventListener(
      'click',
      () => void loadApiKeys(true),
    );

    byId('webhook-events-reload').addEventListener(
      'click',
      () => void loadWebhookEvents(false),
    );
    byId('webhook-events-more').addEventListener(
      'click',
      () => void loadWebhookEvents(true),
    );
    byId('audit-log-reload').addEventListener(
      'click',
      () => void loadAuditLog(false),
    );
    byId('audit-log-more').addEventListener(
      'click',
      () => void loadAuditLog(true),
    );

    if (state.key) {
      void signIn(state.key);
    }
  }

  start();
})();
