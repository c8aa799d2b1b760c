import type { ProductFieldRecord } from '../state/sandbox-data';
import {
  CUSTOM_PRODUCT_FIELDS,
  DAY,
  SEED_START,
  type CompanyProfile,
} from './company-profiles';
import type { SeededRandom } from './random';
import { sqlTime } from './time-format';

/** Builds the standard product fields plus the company's custom ones. */
export function buildProductFields(
  profile: CompanyProfile,
  idBase: number,
  userIds: number[],
  random: SeededRandom,
): ProductFieldRecord[] {
  const standard: Array<[string, string, string]> = [
    ['name', 'Name', 'varchar'],
    ['code', 'Product code', 'varchar'],
    ['description', 'Description', 'text'],
    ['unit', 'Unit', 'varchar'],
    ['tax', 'Tax', 'double'],
    ['category', 'Category', 'enum'],
    ['owner_id', 'Owner', 'user'],
    ['prices', 'Price', 'monetary'],
    ['add_time', 'Add time', 'date'],
    ['update_time', 'Update time', 'date'],
  ];
  const created = sqlTime(SEED_START - 300 * DAY);
  const base = {
    add_time: created,
    update_time: created,
    last_updated_by_user_id: userIds[0],
    created_by_user_id: userIds[0],
    active_flag: true,
    add_visible_flag: true,
    important_flag: false,
    bulk_edit_allowed: true,
    searchable_flag: false,
    filtering_allowed: true,
    sortable_flag: true,
    mandatory_flag: false,
  };
  let nextOptionId = idBase + 100;
  const fields: ProductFieldRecord[] = standard.map(
    ([key, name, fieldType], i) => ({
      ...base,
      id: idBase + i + 1,
      key,
      name,
      order_nr: i,
      field_type: fieldType,
      edit_flag: false,
      mandatory_flag: key === 'name',
      ...(key === 'category'
        ? {
            options: ['Hardware', 'Software', 'Services'].map((label) => ({
              id: nextOptionId++,
              label,
            })),
          }
        : {}),
    }),
  );
  for (const custom of CUSTOM_PRODUCT_FIELDS.slice(
    0,
    profile.counts.customProductFields,
  )) {
    // Custom fields are keyed by a 40-character hex hash, as in Pipedrive.
    fields.push({
      ...base,
      id: idBase + fields.length + 1,
      key: random.hex(40),
      name: custom.name,
      order_nr: fields.length,
      field_type: custom.field_type,
      edit_flag: true,
      searchable_flag: custom.field_type === 'varchar',
      ...(custom.options
        ? {
            options: custom.options.map((label) => ({
              id: nextOptionId++,
              label,
            })),
          }
        : {}),
    });
  }

  return fields;
}
