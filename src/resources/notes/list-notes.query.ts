import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import {
  QueryDate,
  QueryDateTime,
  QueryFlag,
  QueryInt,
  QuerySort,
  QueryUuid,
} from '../shared/query-validators';

/** Fields Pipedrive lets notes be sorted by. */
export const NOTE_SORT_FIELDS = [
  'id',
  'user_id',
  'deal_id',
  'person_id',
  'org_id',
  'content',
  'add_time',
  'update_time',
] as const;

/** Query of `GET /api/v1/notes`, as the official spec defines it. */
export class ListNotesQuery {
  @ApiPropertyOptional({ minimum: 1, description: 'Notes by this user' })
  @IsOptional()
  @QueryInt(1)
  user_id?: number;

  @ApiPropertyOptional({ format: 'uuid', description: 'Notes about this lead' })
  @IsOptional()
  @QueryUuid()
  lead_id?: string;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @QueryInt(1)
  deal_id?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @QueryInt(1)
  person_id?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @QueryInt(1)
  org_id?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @QueryInt(1)
  project_id?: number;

  @ApiPropertyOptional({ minimum: 1 })
  @IsOptional()
  @QueryInt(1)
  task_id?: number;

  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @QueryInt(0)
  start?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 500 })
  @IsOptional()
  @QueryInt(1, 500)
  limit?: number;

  @ApiPropertyOptional({
    description: `"field ASC|DESC" pairs separated by commas, over: ${NOTE_SORT_FIELDS.join(', ')}`,
    example: 'add_time DESC',
  })
  @IsOptional()
  @QuerySort(NOTE_SORT_FIELDS)
  sort?: string;

  @ApiPropertyOptional({ format: 'date', example: '2025-01-01' })
  @IsOptional()
  @QueryDate()
  start_date?: string;

  @ApiPropertyOptional({ format: 'date', example: '2025-12-31' })
  @IsOptional()
  @QueryDate()
  end_date?: string;

  @ApiPropertyOptional({ format: 'date-time', example: '2025-01-01T10:20:00Z' })
  @IsOptional()
  @QueryDateTime()
  updated_since?: string;

  @ApiPropertyOptional({ enum: [0, 1] })
  @IsOptional()
  @QueryFlag()
  pinned_to_lead_flag?: 0 | 1;

  @ApiPropertyOptional({ enum: [0, 1] })
  @IsOptional()
  @QueryFlag()
  pinned_to_deal_flag?: 0 | 1;

  @ApiPropertyOptional({ enum: [0, 1] })
  @IsOptional()
  @QueryFlag()
  pinned_to_organization_flag?: 0 | 1;

  @ApiPropertyOptional({ enum: [0, 1] })
  @IsOptional()
  @QueryFlag()
  pinned_to_person_flag?: 0 | 1;

  @ApiPropertyOptional({ enum: [0, 1] })
  @IsOptional()
  @QueryFlag()
  pinned_to_project_flag?: 0 | 1;

  @ApiPropertyOptional({ enum: [0, 1] })
  @IsOptional()
  @QueryFlag()
  pinned_to_task_flag?: 0 | 1;
}
