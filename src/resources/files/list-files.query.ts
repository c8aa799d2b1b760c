import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { QueryInt, QuerySort } from '../shared/query-validators';

/** Fields Pipedrive lets files be sorted by. */
export const FILE_SORT_FIELDS = ['id', 'update_time'] as const;

/** The files endpoint returns at most 100 items per page. */
export const FILES_MAX_LIMIT = 100;

/** Query of `GET /api/v1/files`, as the official spec defines it. */
export class ListFilesQuery {
  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @QueryInt(0)
  start?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: FILES_MAX_LIMIT })
  @IsOptional()
  @QueryInt(1, FILES_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({
    description: `"field ASC|DESC" pairs separated by commas, over: ${FILE_SORT_FIELDS.join(', ')}`,
    example: 'update_time DESC',
  })
  @IsOptional()
  @QuerySort(FILE_SORT_FIELDS)
  sort?: string;
}
