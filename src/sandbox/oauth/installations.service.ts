import { Inject, Injectable } from '@nestjs/common';
import {
  SANDBOX_OPTIONS,
  type ResolvedSandboxOptions,
} from '../sandbox-options';
import { SandboxStore } from '../state/sandbox-store.service';
import { TokenStore } from './token-store.service';

/** How long the uninstall notice may take before it counts as failed. */
const NOTICE_TIMEOUT_MS = 10_000;

export interface UninstallNoticeResult {
  notified: boolean;
  status: number | null;
}

/** Uninstalls the app for one user and sends Pipedrive's notice. */
@Injectable()
export class Installations {
  constructor(
    private readonly store: SandboxStore,
    private readonly tokens: TokenStore,
    @Inject(SANDBOX_OPTIONS) private readonly options: ResolvedSandboxOptions,
  ) {}

  /** Forgets the user's tokens and the webhooks the app made for them. */
  uninstall(companyId: number, userId: number): void {
    const tokensRemoved = this.tokens.forgetUser(companyId, userId);
    const before = this.store.data.webhooks.length;
    this.store.data.webhooks = this.store.data.webhooks.filter(
      (webhook) =>
        !(
          webhook.company_id === companyId &&
          webhook.owner_id === userId &&
          webhook.type === 'application'
        ),
    );
    this.store.changed();
    this.options.logger.info(
      {
        companyId,
        userId,
        tokensRemoved,
        webhooksRemoved: before - this.store.data.webhooks.length,
      },
      'App uninstalled for user',
    );
  }

  /**
   * Sends `DELETE` to the app's callback URL with the app's Basic
   * credentials and `{client_id, company_id, user_id, timestamp}`.
   */
  async sendUninstallNotice(
    companyId: number,
    userId: number,
  ): Promise<UninstallNoticeResult> {
    const { clientId, clientSecret, redirectUri } = this.options.app;
    const credentials = Buffer.from(`${clientId}:${clientSecret}`).toString(
      'base64',
    );
    try {
      const response = await fetch(redirectUri, {
        method: 'DELETE',
        headers: {
          authorization: `Basic ${credentials}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({
          client_id: clientId,
          company_id: companyId,
          user_id: userId,
          timestamp: new Date(this.options.now()).toISOString(),
        }),
        redirect: 'manual',
        signal: AbortSignal.timeout(NOTICE_TIMEOUT_MS),
      });
      await response.arrayBuffer();
      this.options.logger.info(
        { companyId, userId, status: response.status },
        'Uninstall notice sent',
      );

      return { notified: true, status: response.status };
    } catch (error) {
      this.options.logger.warn(
        { companyId, userId, err: error },
        'Uninstall notice failed',
      );

      return { notified: false, status: null };
    }
  }
}
