import {
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUrl,
  MaxLength,
  Min,
} from 'class-validator';
import { IsCleanText } from '../common/validation/clean-text';

/** `event_action` values of Pipedrive's `POST /v1/webhooks`. */
export const WEBHOOK_EVENT_ACTIONS = [
  'create',
  'change',
  'delete',
  '*',
] as const;

/** `event_object` values of Pipedrive's `POST /v1/webhooks`. */
export const WEBHOOK_EVENT_OBJECTS = [
  'activity',
  'deal',
  'lead',
  'note',
  'organization',
  'person',
  'pipeline',
  'product',
  'stage',
  'user',
  '*',
] as const;

/**
 * Body of `POST /companies/:companyId/api/v1/webhooks`: Pipedrive's fields,
 * except that `subscription_url` may be left out to subscribe the gateway's
 * own receiver, which then also makes the Basic credentials.
 */
export class CreateWebhookBody {
  @IsOptional()
  @IsUrl(
    {
      protocols: ['http', 'https'],
      require_protocol: true,
      require_tld: false,
    },
    { message: 'subscription_url must be an http or https URL' },
  )
  @MaxLength(2048)
  subscription_url?: string;

  @IsIn(WEBHOOK_EVENT_ACTIONS, {
    message: `event_action must be one of ${WEBHOOK_EVENT_ACTIONS.join(', ')}`,
  })
  event_action: (typeof WEBHOOK_EVENT_ACTIONS)[number];

  @IsIn(WEBHOOK_EVENT_OBJECTS, {
    message: `event_object must be one of ${WEBHOOK_EVENT_OBJECTS.join(', ')}`,
  })
  event_object: (typeof WEBHOOK_EVENT_OBJECTS)[number];

  @IsString()
  @IsNotEmpty({ message: 'name must not be empty' })
  @MaxLength(255)
  @IsCleanText()
  name: string;

  @IsOptional()
  @IsInt()
  @Min(1)
  user_id?: number;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  @IsCleanText()
  http_auth_user?: string;

  @IsOptional()
  @IsString()
  @MaxLength(255)
  http_auth_password?: string;

  @IsOptional()
  @IsIn(['1.0', '2.0'], { message: 'version must be "1.0" or "2.0"' })
  version?: '1.0' | '2.0';
}
