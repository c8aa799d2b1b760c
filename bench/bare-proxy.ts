import { createServer, type Server } from 'node:http';
import { type AddressInfo } from 'node:net';
import { pipeline } from 'node:stream/promises';
import { Pool } from 'undici';

/**
 * The baseline for proxy overhead: a pass-through proxy with no routing,
 * auth, validation, logging or token handling. `/companies/:id/api/...`
 * is forwarded as `/api/...` to one upstream through an undici pool, and
 * the answer is streamed back with its status and content type.
 */
export async function startBareProxy(
  upstreamOrigin: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const pool = new Pool(upstreamOrigin, {
    connections: 256,
    keepAliveTimeout: 30_000,
  });
  const server: Server = createServer((request, response) => {
    const path = (request.url ?? '/').replace(/^\/companies\/\d+/, '');
    pool
      .request({
        method: 'GET',
        path,
        headers: { authorization: 'Bearer bench' },
      })
      .then(async (upstream) => {
        response.writeHead(upstream.statusCode, {
          'content-type': String(
            upstream.headers['content-type'] ?? 'application/json',
          ),
        });
        await pipeline(upstream.body, response);
      })
      .catch(() => {
        if (!response.headersSent) {
          response.writeHead(502);
        }
        response.end();
      });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    close: async () => {
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await pool.close();
    },
  };
}
