import { Transform } from 'class-transformer';
import {
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsPositive,
  IsString,
  MaxLength,
} from 'class-validator';

const toNumber = ({ value }: { value: unknown }): unknown =>
  typeof value === 'string' && /^\d+$/.test(value) ? Number(value) : value;

/** The JSON body of Pipedrive's uninstall notice. */
export class UninstallNoticeDto {
  @IsString()
  @IsNotEmpty()
  @MaxLength(255)
  client_id: string;

  @Transform(toNumber)
  @IsInt()
  @IsPositive()
  company_id: number;

  @Transform(toNumber)
  @IsInt()
  @IsPositive()
  user_id: number;

  /** Format not documented by Pipedrive; kept for the log only. */
  @IsOptional()
  timestamp?: unknown;
}
