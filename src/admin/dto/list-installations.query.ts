import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import {
  INSTALLATION_STATUSES,
  type InstallationStatus,
} from '../../installations/installation.entity';
import { QueryInt } from '../../resources/shared/query-validators';
import { PageQuery } from './page.query';

export class ListInstallationsQuery extends PageQuery {
  @ApiPropertyOptional({ enum: INSTALLATION_STATUSES })
  @IsOptional()
  @IsIn(INSTALLATION_STATUSES, {
    message: `status must be one of: ${INSTALLATION_STATUSES.join(', ')}`,
  })
  status?: InstallationStatus;

  @ApiPropertyOptional({ minimum: 1, description: 'Pipedrive company id' })
  @IsOptional()
  @QueryInt(1, Number.MAX_SAFE_INTEGER)
  companyId?: number;
}
