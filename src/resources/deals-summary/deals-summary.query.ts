import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { QueryEnum, QueryInt } from '../shared/query-validators';

export const DEAL_STATUSES = ['open', 'won', 'lost'] as const;

/** Query of `GET /api/v1/deals/summary`, as the official spec defines it. */
export class DealsSummaryQuery {
  @ApiPropertyOptional({ enum: DEAL_STATUSES })
  @IsOptional()
  @QueryEnum(DEAL_STATUSES)
  status?: (typeof DEAL_STATUSES)[number];

  @ApiPropertyOptional({
    minimum: 1,
    description: 'Only deals matching this filter; user_id is then ignored',
  })
  @IsOptional()
  @QueryInt(1)
  filter_id?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @QueryInt(1)
  user_id?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @QueryInt(1)
  pipeline_id?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @QueryInt(1)
  stage_id?: number;
}
