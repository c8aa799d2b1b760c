import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  Inject,
  Logger,
  Next,
  Query,
  Req,
  Res,
  UseGuards,
} from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import { type NextFunction, type Request, type Response } from 'express';
import { Public } from '../auth/public.decorator';
import { GatewayException } from '../common/errors/gateway.exception';
import { GATEWAY_CONFIG } from '../config/config.module';
import { type GatewayConfig } from '../config/gateway-config';
import { constantTimeEquals } from '../crypto/secret-hash';
import { InstallationsService } from '../installations/installations.service';
import { OAuthFlowService } from './oauth-flow.service';
import { PipedriveClientAuthGuard } from './pipedrive-client-auth.guard';
import { installFailedPage, installedPage, notInstalledPage } from './pages';
import { UninstallNoticeDto } from './uninstall-notice.dto';

const MAX_PARAMETER_LENGTH = 4096;

/** The install lifecycle: authorize redirect, callback and uninstall notice. */
@ApiTags('oauth')
@Public()
@Controller('oauth')
export class OAuthController {
  private readonly logger = new Logger(OAuthController.name);

  constructor(
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    private readonly flow: OAuthFlowService,
    private readonly installations: InstallationsService,
  ) {}

  /** Starts an install: 302 to Pipedrive's consent page with a fresh state. */
  @Get('authorize')
  @ApiOperation({
    summary: "Start an install: redirect to Pipedrive's consent page",
  })
  authorize(
    @Req() request: Request,
    @Res() response: Response,
    @Next() next: NextFunction,
  ): void {
    this.flow.start(request, response, next);
  }

  /** Finishes an install and shows its outcome as a page. */
  @Get('callback')
  @ApiOperation({
    summary:
      'Finish an install: Pipedrive redirects the browser here with code and state (or error)',
  })
  async callback(
    @Req() request: Request,
    @Res() response: Response,
    @Query() query: Record<string, unknown>,
  ): Promise<void> {
    response.setHeader('cache-control', 'no-store');
    response.setHeader('referrer-policy', 'no-referrer');
    // `state[]=x` arrives under another key, and must not pass for a
    // Marketplace install without state.
    const bracketed = Object.keys(query).find((key) =>
      /^(code|state|error)\[/.test(key),
    );
    const malformed =
      bracketed?.replace(/\[.*$/, '') ??
      ['code', 'state', 'error'].find(
        (name) =>
          query[name] !== undefined &&
          (typeof query[name] !== 'string' ||
            query[name].length > MAX_PARAMETER_LENGTH),
      );
    if (malformed) {
      response
        .status(400)
        .type('html')
        .send(
          installFailedPage(
            `The ${malformed} parameter is malformed: give it once, as plain text of at most ${MAX_PARAMETER_LENGTH} characters.`,
          ),
        );

      return;
    }
    if (typeof query.error === 'string') {
      this.logger.log(
        { error: query.error.slice(0, 64) },
        'install declined at Pipedrive',
      );
      response
        .status(200)
        .type('html')
        .send(
          notInstalledPage(
            query.error === 'user_denied'
              ? 'You declined the install in Pipedrive, so nothing was stored.'
              : 'Pipedrive did not complete the install, so nothing was stored.',
          ),
        );

      return;
    }
    if (typeof query.code !== 'string' || query.code === '') {
      response
        .status(400)
        .type('html')
        .send(installFailedPage('The code parameter is missing.'));

      return;
    }
    const outcome = await this.flow.finish(request, response);
    if (outcome.kind === 'failed') {
      response
        .status(outcome.status)
        .type('html')
        .send(installFailedPage(outcome.message));

      return;
    }
    const { installation } = outcome;
    response
      .status(200)
      .type('html')
      .send(
        installedPage({
          companyId: installation.companyId,
          companyName: installation.companyName,
          userName: installation.userName,
        }),
      );
  }

  /**
   * Pipedrive's uninstall notice: HTTP Basic with the app's client id and
   * secret. Erases that installation's tokens; unknown or already
   * uninstalled installations also get 200, as Pipedrive ignores the response.
   */
  @Delete('callback')
  @HttpCode(200)
  @UseGuards(PipedriveClientAuthGuard)
  @ApiOperation({
    summary:
      "Pipedrive's uninstall notice, authenticated with the app's client id and secret as HTTP Basic",
  })
  async uninstall(
    @Body() notice: UninstallNoticeDto,
  ): Promise<{ success: true }> {
    const { clientId } = this.config.pipedrive;
    if (!constantTimeEquals(notice.client_id, clientId)) {
      throw new GatewayException(
        400,
        'validation_failed',
        'client_id does not match this app',
      );
    }
    const changed = await this.installations.uninstall(
      notice.company_id,
      notice.user_id,
    );
    this.logger.log(
      { companyId: notice.company_id, userId: notice.user_id, changed },
      'uninstall notice received',
    );

    return { success: true };
  }
}
