import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';
import { IsCleanText } from '../../common/validation/clean-text';

export const MAX_KEY_COMPANIES = 1000;

export class CreateApiKeyBody {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'billing service' })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must contain a non-space character' })
  @IsCleanText()
  name: string;

  @ApiPropertyOptional({
    type: [Number],
    nullable: true,
    minItems: 1,
    maxItems: MAX_KEY_COMPANIES,
    description:
      'Pipedrive company ids the key may act on; absent or null for every company. An empty list is rejected.',
  })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1, {
    message:
      'companyIds must list at least one company id; send null or leave it out for every company',
  })
  @ArrayMaxSize(MAX_KEY_COMPANIES)
  @IsInt({ each: true, message: 'companyIds must contain integers only' })
  @Min(1, {
    each: true,
    message: 'companyIds must contain positive integers only',
  })
  @Max(Number.MAX_SAFE_INTEGER, {
    each: true,
    message: `companyIds must contain integers no larger than ${Number.MAX_SAFE_INTEGER}`,
  })
  companyIds?: number[] | null;
}
