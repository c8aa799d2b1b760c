import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';

/** A stand-in for a company's api_domain that answers leads quickly. */
export interface FastUpstream {
  origin: string;
  /** Requests answered so far. */
  requests(): number;
  close(): Promise<void>;
}

export interface FastUpstreamOptions {
  /** Leads in the collection that `start`/`limit` page through. */
  totalRecords: number;
}

/**
 * Rate-limit headers as Pipedrive sends them, with a limit high enough that
 * the gateway's pacer never waits: this upstream measures proxy cost only.
 */
const RATE_LIMIT_HEADERS = {
  'x-ratelimit-limit': '1000000',
  'x-ratelimit-remaining': '999999',
  'x-ratelimit-reset': '2',
};

function lead(index: number): object {
  return {
    id: `00000000-0000-4000-8000-${index.toString(16).padStart(12, '0')}`,
    title: `Lead ${index}`,
    owner_id: 1,
    creator_id: 1,
    label_ids: [],
    person_id: index,
    organization_id: null,
    source_name: 'API',
    is_archived: false,
    was_seen: true,
    value: { amount: 1000 + (index % 97), currency: 'EUR' },
    expected_close_date: null,
    next_activity_id: null,
    add_time: '2026-01-01T00:00:00.000Z',
    update_time: '2026-01-01T00:00:00.000Z',
    visible_to: '3',
    cc_email: `lead-${index}@example.test`,
  };
}

/** Serialises one page in Pipedrive's v1 leads envelope. */
function page(start: number, limit: number, total: number): string {
  const end = Math.min(total, start + limit);
  const data = [];
  for (let index = start; index < end; index++) {
    data.push(lead(index));
  }

  return JSON.stringify({
    success: true,
    data,
    additional_data: {
      start,
      limit,
      more_items_in_collection: end < total,
      ...(end < total ? { next_start: end } : {}),
    },
  });
}

/**
 * Starts a node:http server on 127.0.0.1 answering `GET /api/v1/leads` with
 * `start` and `limit` (at most 500). Pages of the default size (10 leads,
 * 6 KB) are serialised once and reused, so the upstream costs little CPU.
 */
export async function startFastUpstream(
  options: FastUpstreamOptions,
): Promise<FastUpstream> {
  const cached = new Map<string, Buffer>();
  let answered = 0;
  const server: Server = createServer((request, response) => {
    answered++;
    const url = new URL(request.url ?? '/', 'http://upstream');
    if (url.pathname !== '/api/v1/leads') {
      response.writeHead(404, {
        'content-type': 'application/json',
        ...RATE_LIMIT_HEADERS,
      });
      response.end('{"success":false,"error":"Not found"}');

      return;
    }
    const start = Math.max(0, Number(url.searchParams.get('start') ?? 0) || 0);
    const limit = Math.min(
      500,
      Math.max(1, Number(url.searchParams.get('limit') ?? 10) || 10),
    );
    const key = `${start}:${limit}`;
    let body = cached.get(key);
    if (!body) {
      body = Buffer.from(page(start, limit, options.totalRecords));
      if (limit <= 10 && start === 0) {
        cached.set(key, body);
      }
    }
    response.writeHead(200, {
      'content-type': 'application/json; charset=utf-8',
      'content-length': String(body.length),
      ...RATE_LIMIT_HEADERS,
    });
    response.end(body);
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    requests: () => answered,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
