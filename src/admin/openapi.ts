import { type INestApplication } from '@nestjs/common';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { type GatewayConfig } from '../config/gateway-config';

/**
 * Serves the gateway's OpenAPI document at `/docs-json` and Swagger UI at
 * `/docs`. Both are Express middleware outside the Nest router, so the
 * caller guard does not apply to them. They describe routes and contain
 * no data.
 */
export function setupOpenApi(
  app: INestApplication,
  config: GatewayConfig,
): void {
  const options = new DocumentBuilder()
    .setTitle('Pipedrive Gateway')
    .setDescription(
      "Multi-tenant gateway for a Pipedrive Marketplace app. Tenant routes under `/companies/{companyId}/` proxy the Pipedrive API with that company's tokens. The `/admin/` routes manage installations, API keys and the audit log.",
    )
    .setVersion('0.1.0')
    .addServer(config.publicUrl)
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      description:
        'One of: the admin key (`ADMIN_API_KEY`, needed by every `/admin/` route), a service API key (`pgw_...`, limited to its companies), or a Pipedrive app-extension JWT (limited to its company and user).',
    })
    .build();
  const document = SwaggerModule.createDocument(app, options);
  SwaggerModule.setup('docs', app, document, {
    jsonDocumentUrl: 'docs-json',
    yamlDocumentUrl: 'docs-yaml',
  });
}
