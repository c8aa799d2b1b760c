import { pageThrough, type PipedriveList } from './paging';

function pages(total: number, pageSize: number, withNextStart: boolean) {
  const requested: number[] = [];
  const fetchPage = async (start: number): Promise<PipedriveList<number>> => {
    requested.push(start);
    const data = Array.from(
      { length: Math.max(0, Math.min(pageSize, total - start)) },
      (_, i) => start + i,
    );
    const more = start + data.length < total;

    return {
      success: true,
      data,
      additional_data: {
        pagination: {
          start,
          limit: pageSize,
          more_items_in_collection: more,
          ...(withNextStart && more ? { next_start: start + pageSize } : {}),
        },
      },
    };
  };

  return { fetchPage, requested };
}

async function collect(iterator: AsyncGenerator<number>): Promise<number[]> {
  const items: number[] = [];
  for await (const item of iterator) {
    items.push(item);
  }

  return items;
}

describe('pageThrough', () => {
  it('follows next_start to the end', async () => {
    const { fetchPage, requested } = pages(250, 100, true);

    const items = await collect(pageThrough(fetchPage));

    expect(items).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(requested).toEqual([0, 100, 200]);
  });

  it('computes the next start when next_start is absent', async () => {
    const { fetchPage, requested } = pages(120, 50, false);

    const items = await collect(pageThrough(fetchPage));

    expect(items).toHaveLength(120);
    expect(requested).toEqual([0, 50, 100]);
  });

  it('stops on an empty page even when more is claimed', async () => {
    let calls = 0;
    const items = await collect(
      pageThrough(async () => {
        calls++;

        return {
          success: true,
          data: [],
          additional_data: { pagination: { more_items_in_collection: true } },
        };
      }),
    );

    expect(items).toEqual([]);
    expect(calls).toBe(1);
  });

  it('reads paging from additional_data itself, as leads report it', async () => {
    const requested: number[] = [];
    const items = await collect(
      pageThrough(async (start) => {
        requested.push(start);

        return {
          success: true,
          data: start < 4 ? [start, start + 1] : [],
          additional_data: {
            start,
            limit: 2,
            more_items_in_collection: start < 2,
          },
        };
      }),
    );

    expect(items).toEqual([0, 1, 2, 3]);
    expect(requested).toEqual([0, 2]);
  });

  it('treats null data as the end', async () => {
    const items = await collect(
      pageThrough(async () => ({ success: true, data: null })),
    );

    expect(items).toEqual([]);
  });
});
