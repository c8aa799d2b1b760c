import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsUUID, Matches } from 'class-validator';
import { PageQuery } from './page.query';

export class ListAuditLogQuery extends PageQuery {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'installationId must be a UUID' })
  installationId?: string;

  @ApiPropertyOptional({
    example: 'installation.refresh',
    description: 'Exact action name',
  })
  @IsOptional()
  @Matches(/^[a-z_]{1,30}\.[a-z_]{1,30}$/, {
    message: 'action must be an action name such as installation.refresh',
  })
  action?: string;
}
