import { type ValueTransformer } from 'typeorm';

/**
 * pg returns bigint columns as strings. Pipedrive company and user ids, and
 * the other bigint ids stored here, stay below 2^53, so they are read as
 * numbers without loss.
 */
export const bigintAsNumber: ValueTransformer = {
  to: (value: number | null | undefined) => value,
  from: (value: string | null) => (value === null ? null : Number(value)),
};
