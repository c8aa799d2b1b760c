import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import schemas from '../fixtures/pipedrive-v1-schemas.json';

/**
 * Validates bodies against the success response schemas of the official v1
 * spec, as extracted into test/fixtures/pipedrive-v1-schemas.json.
 * NOTE: a shared test/support/pipedrive-schemas.ts was not in the tree when
 * these tests were written, so this local reader compiles the same fixture.
 */
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);

const endpoints = schemas.endpoints as Record<
  string,
  { responses: Record<string, object> }
>;
const compiled = new Map<string, ValidateFunction>();

/** Returns the schema errors of `body` as readable lines, or none when it is valid. */
export function schemaErrors(
  endpoint: string,
  status: string,
  body: unknown,
): string[] {
  const key = `${endpoint} ${status}`;
  let validate = compiled.get(key);
  if (!validate) {
    const schema = endpoints[endpoint]?.responses[status];
    if (!schema) {
      throw new Error(`No ${status} response schema for ${endpoint}`);
    }
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  if (validate(body)) {
    return [];
  }

  return (validate.errors ?? []).map(
    (error) => `${error.instancePath || '/'} ${error.message ?? 'is invalid'}`,
  );
}
