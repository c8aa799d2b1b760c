import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional } from 'class-validator';
import { QueryInt } from '../shared/query-validators';

/** Query of `GET /api/v1/productFields`, as the official spec defines it. */
export class ListProductFieldsQuery {
  @ApiPropertyOptional({ minimum: 0, default: 0 })
  @IsOptional()
  @QueryInt(0)
  start?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 500 })
  @IsOptional()
  @QueryInt(1, 500)
  limit?: number;
}
