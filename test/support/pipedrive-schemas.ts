import Ajv, { type ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';
import schemas from '../fixtures/pipedrive-v1-schemas.json';

/**
 * Validates responses against the success schemas of Pipedrive's official
 * v1 spec (test/fixtures/pipedrive-v1-schemas.json, built by
 * test/fixtures/build-pipedrive-schemas.ts).
 */

interface EndpointSchemas {
  scopes: string[];
  parameters: Array<{
    name: string;
    in: string;
    required: boolean;
    schema: object;
  }>;
  requestBody: Record<string, object> | null;
  responses: Record<string, object | null>;
}

const endpoints = schemas.endpoints as unknown as Record<
  string,
  EndpointSchemas
>;

// strict: false because OpenAPI schemas carry keywords such as `default`
// placements and formats that JSON Schema tooling does not define.
const ajv = new Ajv({ allErrors: true, strict: false, logger: false });
addFormats(ajv);

const compiled = new Map<string, ValidateFunction>();

/** Returns the spec's data for an endpoint, e.g. `GET /leads`. */
export function pipedriveEndpoint(key: string): EndpointSchemas | undefined {
  return endpoints[key];
}

/**
 * Maps a request path (`/api/v1/leads`, `/v1/webhooks/7`, a gateway path
 * such as `/companies/1/api/v1/leads`, or a full URL) to the spec's
 * endpoint key, e.g. `DELETE /webhooks/{id}`.
 */
export function endpointKey(method: string, path: string): string | null {
  let pathname = path.includes('://') ? new URL(path).pathname : path;
  pathname = pathname.split('?')[0];
  const v1 = pathname.match(/\/v1(\/.*)$/);
  const specPath = v1 ? v1[1] : pathname;
  const upper = method.toUpperCase();
  for (const key of Object.keys(endpoints)) {
    const [keyMethod, template] = key.split(' ');
    if (keyMethod !== upper) {
      continue;
    }
    const pattern = new RegExp(
      '^' + template.replace(/\{[^}]+\}/g, '[^/]+') + '$',
    );
    if (pattern.test(specPath)) {
      return key;
    }
  }

  return null;
}

/**
 * Checks one response against the spec and returns the violations (empty
 * when it conforms). Success statuses must be ones the spec declares and
 * match its schema; error statuses must carry Pipedrive's error envelope.
 */
export function validatePipedriveResponse(
  method: string,
  path: string,
  status: number,
  body: unknown,
): string[] {
  const key = endpointKey(method, path);
  if (!key) {
    return [`${method} ${path}: no schema in the v1 spec fixture`];
  }
  if (status >= 400) {
    return validateErrorEnvelope(key, status, body);
  }
  const schema = endpoints[key].responses[String(status)];
  if (schema === undefined) {
    const declared = Object.keys(endpoints[key].responses).join(', ');

    return [`${key}: status ${status} is not declared (spec has ${declared})`];
  }
  if (schema === null) {
    return [];
  }
  const cacheKey = `${key} ${status}`;
  let validate = compiled.get(cacheKey);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(cacheKey, validate);
  }
  if (validate(body)) {
    return [];
  }

  return (validate.errors ?? []).map(
    (error) =>
      `${key} ${status} ${error.instancePath || '(root)'} ${error.message ?? 'is invalid'}${
        error.params && Object.keys(error.params).length > 0
          ? ` ${JSON.stringify(error.params)}`
          : ''
      }`,
  );
}

function validateErrorEnvelope(
  key: string,
  status: number,
  body: unknown,
): string[] {
  const envelope = body as Record<string, unknown> | null;
  const violations: string[] = [];
  if (typeof envelope !== 'object' || envelope === null) {
    return [`${key} ${status}: error body is not a JSON object`];
  }
  if (envelope.success !== false) {
    violations.push(`${key} ${status}: success must be false`);
  }
  if (typeof envelope.error !== 'string' || envelope.error === '') {
    violations.push(`${key} ${status}: error must be a non-empty string`);
  }

  return violations;
}
