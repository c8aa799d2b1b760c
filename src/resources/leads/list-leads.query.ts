import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { QueryDateTime, QueryInt, QuerySort } from '../shared/query-validators';

/** Fields Pipedrive lets leads be sorted by. */
export const LEAD_SORT_FIELDS = [
  'id',
  'title',
  'owner_id',
  'creator_id',
  'was_seen',
  'expected_close_date',
  'next_activity_id',
  'add_time',
  'update_time',
] as const;

/** Query of `GET /api/v1/leads/archived`, as the official spec defines it. */
export class ListArchivedLeadsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 500 })
  @IsOptional()
  @QueryInt(1, 500)
  limit?: number;

  @ApiPropertyOptional({ minimum: 0 })
  @IsOptional()
  @QueryInt(0)
  start?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @QueryInt(1)
  owner_id?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @QueryInt(1)
  person_id?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @QueryInt(1)
  organization_id?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @QueryInt(1)
  filter_id?: number;

  @ApiPropertyOptional({
    description: 'field ASC|DESC pairs, comma-separated',
    example: 'add_time DESC',
  })
  @IsOptional()
  @QuerySort(LEAD_SORT_FIELDS)
  sort?: string;
}

/** Query of `GET /api/v1/leads`. */
export class ListLeadsQuery extends ListArchivedLeadsQuery {
  @ApiPropertyOptional({ format: 'date-time', example: '2025-01-01T10:20:00Z' })
  @IsOptional()
  @QueryDateTime()
  updated_since?: string;
}
