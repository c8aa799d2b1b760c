import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Controller, Get, Res } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { type Response } from 'express';
import { Public } from '../auth/public.decorator';

/**
 * Allows only the console's own script and stylesheet, and API calls to
 * this origin. Inline code, frames, form posts and other origins are blocked.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

interface ConsoleFile {
  contentType: string;
  body: string;
}

function loadConsoleFile(name: string, contentType: string): ConsoleFile {
  return {
    contentType,
    body: readFileSync(join(__dirname, 'console', name), 'utf8'),
  };
}

/**
 * The admin console: a static page whose script calls the admin API with
 * the key the operator pastes. The files contain no data, so they are public.
 */
@ApiExcludeController()
@Public()
@Controller('admin')
export class AdminConsoleController {
  private readonly page = loadConsoleFile(
    'index.html',
    'text/html; charset=utf-8',
  );
  private readonly script = loadConsoleFile(
    'console.js',
    'text/javascript; charset=utf-8',
  );
  private readonly style = loadConsoleFile(
    'console.css',
    'text/css; charset=utf-8',
  );

  @Get()
  sendPage(@Res() response: Response): void {
    send(response, this.page);
  }

  @Get('console.js')
  sendScript(@Res() response: Response): void {
    send(response, this.script);
  }

  @Get('console.css')
  sendStyle(@Res() response: Response): void {
    send(response, this.style);
  }
}

function send(response: Response, file: ConsoleFile): void {
  response.setHeader('content-type', file.contentType);
  response.setHeader('content-security-policy', CONSOLE_CSP);
  response.setHeader('x-content-type-options', 'nosniff');
  response.setHeader('referrer-policy', 'no-referrer');
  response.setHeader('x-frame-options', 'DENY');
  response.setHeader('cache-control', 'no-cache');
  response.status(200).send(file.body);
}
