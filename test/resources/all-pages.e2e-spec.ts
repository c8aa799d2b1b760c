import { GatewayException } from '../../src/common/errors/gateway.exception';
import { parseEncryptionKeys } from '../../src/config/load-config';
import { TokenCipher } from '../../src/crypto/token-cipher';
import { FilesService } from '../../src/resources/files/files.service';
import { LeadsService } from '../../src/resources/leads/leads.service';
import { NotesService } from '../../src/resources/notes/notes.service';
import { ProductFieldsService } from '../../src/resources/product-fields/product-fields.service';
import { control, installThroughConsent } from '../support/install';
import { startStack, type TestStack } from '../support/stack';

type Id = string | number;

interface PagedResource {
  name: string;
  /** The v1 path walked directly at the sandbox. */
  path: string;
  /** The largest page the endpoint serves. */
  maxLimit: number;
  all: (
    stack: TestStack,
    companyId: number,
    query: { limit?: number },
  ) => AsyncGenerator<{ id: Id }>;
}

const RESOURCES: PagedResource[] = [
  {
    name: 'leads',
    path: '/api/v1/leads',
    maxLimit: 500,
    all: (stack, companyId, query) =>
      stack.app.get(LeadsService).all(companyId, query),
  },
  {
    name: 'archived leads',
    path: '/api/v1/leads/archived',
    maxLimit: 500,
    all: (stack, companyId, query) =>
      stack.app.get(LeadsService).allArchived(companyId, query),
  },
  {
    name: 'notes',
    path: '/api/v1/notes',
    maxLimit: 500,
    all: (stack, companyId, query) =>
      stack.app.get(NotesService).all(companyId, query),
  },
  {
    name: 'files',
    path: '/api/v1/files',
    maxLimit: 100,
    all: (stack, companyId, query) =>
      stack.app.get(FilesService).all(companyId, query),
  },
  {
    name: 'product fields',
    path: '/api/v1/productFields',
    maxLimit: 500,
    all: (stack, companyId, query) =>
      stack.app.get(ProductFieldsService).all(companyId, query),
  },
];

async function collectIds(items: AsyncGenerator<{ id: Id }>): Promise<Id[]> {
  const ids: Id[] = [];
  for await (const item of items) {
    ids.push(item.id);
  }

  return ids;
}

/** Decrypts the stored access token of the company's installation. */
async function accessTokenOf(
  stack: TestStack,
  companyId: number,
): Promise<string> {
  const { rows } = await stack.db.query<{
    id: string;
    token_key_id: string;
    access_token_ciphertext: string;
  }>(
    'SELECT id, token_key_id, access_token_ciphertext FROM installations WHERE company_id = $1',
    [companyId],
  );
  const cipher = new TokenCipher(
    parseEncryptionKeys(stack.env.TOKEN_ENCRYPTION_KEYS, []),
  );

  return cipher.decrypt(
    {
      keyId: rows[0].token_key_id,
      ciphertext: rows[0].access_token_ciphertext,
    },
    `${rows[0].id}:access`,
  );
}

/** Walks a list at the sandbox itself, bypassing the gateway. */
async function walkSandbox(
  stack: TestStack,
  companyId: number,
  accessToken: string,
  resource: PagedResource,
): Promise<Id[]> {
  const ids: Id[] = [];
  for (let start = 0; ; start += resource.maxLimit) {
    const url = `${stack.sandbox.apiDomain(companyId)}${resource.path}?start=${start}&limit=${resource.maxLimit}`;
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${accessToken}` },
    });
    if (response.status !== 200) {
      throw new Error(`${url} returned ${response.status}`);
    }
    const page = (await response.json()) as {
      data: Array<{ id: Id }> | null;
      additional_data?: {
        more_items_in_collection?: boolean;
        pagination?: { more_items_in_collection?: boolean };
      };
    };
    ids.push(...(page.data ?? []).map((item) => item.id));
    const pagination = page.additional_data?.pagination ?? page.additional_data;
    if (!pagination?.more_items_in_collection) {
      return ids;
    }
  }
}

describe('all() over every page', () => {
  let stack: TestStack;
  let companyId: number;
  const expected = new Map<string, Id[]>();

  beforeAll(async () => {
    stack = await startStack();
    ({ companyId } = await installThroughConsent(stack));
    const accessToken = await accessTokenOf(stack, companyId);
    for (const resource of RESOURCES) {
      expected.set(
        resource.name,
        await walkSandbox(stack, companyId, accessToken, resource),
      );
    }
  });

  afterAll(async () => {
    await stack.close();
  });

  it('sandbox seeds enough records to page', () => {
    expect(expected.get('leads')?.length).toBeGreaterThan(100);
    expect(expected.get('archived leads')?.length).toBeGreaterThan(0);
    expect(expected.get('notes')?.length).toBeGreaterThan(100);
    expect(expected.get('files')?.length).toBeGreaterThan(100);
    expect(expected.get('product fields')?.length).toBeGreaterThan(0);
  });

  describe.each(RESOURCES)('$name', (resource) => {
    it('yields each record once with default pages', async () => {
      const ids = await collectIds(resource.all(stack, companyId, {}));

      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual([...expected.get(resource.name)!].sort());
    });

    it('raises when a later page fails', async () => {
      const items = resource.all(stack, companyId, { limit: 7 });
      for (let i = 0; i < 7; i++) {
        expect((await items.next()).done).toBe(false);
      }
      await control(stack, 'faults', {
        status: 403,
        times: 1,
        path: resource.path,
      });

      const error = await items.next().catch((caught: unknown) => caught);

      expect(error).toBeInstanceOf(GatewayException);
      expect((error as GatewayException).code).toBe('upstream_error');
      expect((error as GatewayException).getStatus()).toBe(502);
      expect((error as GatewayException).message).toContain('403');
    });

    it('yields each record once with pages of 7', async () => {
      const ids = await collectIds(
        resource.all(stack, companyId, { limit: 7 }),
      );

      expect(new Set(ids).size).toBe(ids.length);
      expect([...ids].sort()).toEqual([...expected.get(resource.name)!].sort());
    });
  });
});
