import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsInt,
  IsOptional,
  IsString,
  Length,
  Matches,
  Max,
  Min,
} from 'class-validator';

export const MAX_KEY_COMPANIES = 1000;

export class CreateApiKeyBody {
  @ApiProperty({ minLength: 1, maxLength: 100, example: 'billing service' })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'name must contain a non-space character' })
  name: string;

  @ApiPropertyOptional({
    type: [Number],
    nullable: true,
    maxItems: MAX_KEY_COMPANIES,
    description:
      'Pipedrive company ids the key may act on; absent or null for every company',
  })
  @IsOptional()
  @IsArray()
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
