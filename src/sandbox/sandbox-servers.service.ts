import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Inject, Injectable } from '@nestjs/common';
import {
  SANDBOX_OPTIONS,
  type ResolvedSandboxOptions,
} from './sandbox-options';
import { SandboxStore } from './state/sandbox-store.service';

export type PortRole =
  | { kind: 'oauth' }
  | { kind: 'company'; companyId: number }
  | { kind: 'unknown' };

/**
 * The HTTP listeners: one for the OAuth server and controls, and one per
 * company, whose origin is that company's api_domain. All of them serve the
 * same application, which identifies the company by the local port.
 */
@Injectable()
export class SandboxServers {
  private handler: RequestListener | null = null;
  private oauthServer: Server | null = null;
  private oauthPort = 0;
  private readonly companyServers = new Map<number, Server>();
  private readonly roles = new Map<number, PortRole>();

  constructor(
    private readonly store: SandboxStore,
    @Inject(SANDBOX_OPTIONS) private readonly options: ResolvedSandboxOptions,
  ) {}

  /** Opens the OAuth listener and one listener per seeded company. */
  async start(handler: RequestListener): Promise<void> {
    this.handler = handler;
    this.oauthServer = await this.listen(this.options.port);
    this.oauthPort = (this.oauthServer.address() as AddressInfo).port;
    this.roles.set(this.oauthPort, { kind: 'oauth' });

    // A saved port keeps an api_domain stable across restarts, including one
    // moved by /_sandbox/move-api-domain. With a fixed port P, saved ports
    // count only when they were assigned under the same P, so company k
    // listens on P+k after the port changes.
    const keepSavedPorts =
      this.options.port === 0 || this.store.data.oauthPort === this.oauthPort;
    const companies = this.store.companies();
    for (const [index, company] of companies.entries()) {
      const defaultPort =
        this.options.port === 0 ? 0 : this.oauthPort + index + 1;
      const preferredPort = keepSavedPorts
        ? (company.port ?? defaultPort)
        : defaultPort;
      await this.openCompanyListener(company.id, preferredPort);
    }
    if (this.store.data.oauthPort !== this.oauthPort) {
      this.store.data.oauthPort = this.oauthPort;
      this.store.changed();
    }
  }

  roleOf(localPort: number | undefined): PortRole {
    return (localPort && this.roles.get(localPort)) || { kind: 'unknown' };
  }

  get oauthUrl(): string {
    return this.origin(this.oauthPort);
  }

  apiDomain(companyId: number): string {
    const port = this.store.company(companyId)?.port;
    if (!port || !this.companyServers.has(companyId)) {
      throw new Error(`Company ${companyId} has no API listener`);
    }

    return this.origin(port);
  }

  /** Moves a company to a new free port; the old listener closes. */
  async moveCompany(companyId: number): Promise<string> {
    const previous = this.companyServers.get(companyId);
    await this.openCompanyListener(companyId, 0);
    if (previous) {
      const oldPort = (previous.address() as AddressInfo).port;
      this.roles.delete(oldPort);
      await closeServer(previous);
    }

    return this.apiDomain(companyId);
  }

  async close(): Promise<void> {
    const servers = [this.oauthServer, ...this.companyServers.values()];
    this.oauthServer = null;
    this.companyServers.clear();
    this.roles.clear();
    await Promise.all(
      servers.flatMap((server) => (server ? [closeServer(server)] : [])),
    );
  }

  private async openCompanyListener(
    companyId: number,
    preferredPort: number,
  ): Promise<void> {
    let server: Server;
    try {
      server = await this.listen(preferredPort);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') {
        throw error;
      }
      this.options.logger.warn(
        { companyId, port: preferredPort },
        'API port is taken, so the company gets a free port and a new api_domain',
      );
      server = await this.listen(0);
    }
    const port = (server.address() as AddressInfo).port;
    this.companyServers.set(companyId, server);
    this.roles.set(port, { kind: 'company', companyId });
    const company = this.store.company(companyId);
    if (company && company.port !== port) {
      company.port = port;
      this.store.changed();
    }
  }

  private listen(port: number): Promise<Server> {
    const handler = this.handler;
    if (!handler) {
      throw new Error('SandboxServers.start() must run before listening');
    }

    return new Promise((resolve, reject) => {
      const server = createServer(handler);
      server.once('error', reject);
      server.listen(port, this.options.host, () => {
        server.off('error', reject);
        resolve(server);
      });
    });
  }

  private origin(port: number): string {
    const host = this.options.host.includes(':')
      ? `[${this.options.host}]`
      : this.options.host;

    return `http://${host}:${port}`;
  }
}

function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Idle keep-alive connections would otherwise hold close() open.
    server.closeAllConnections();
  });
}
