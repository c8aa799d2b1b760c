import { IsOptional, Matches } from 'class-validator';
import { QueryInt } from '../resources/shared/query-validators';

/** Query of `GET /admin/webhook-events`. */
export class ListWebhookEventsQuery {
  @IsOptional()
  @QueryInt(1)
  companyId?: number;

  @IsOptional()
  @QueryInt(1, 200)
  limit?: number;

  /** `nextCursor` from the previous page. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9_-]{1,200}$/, {
    message: 'cursor must be the nextCursor of a previous page',
  })
  cursor?: string;
}
