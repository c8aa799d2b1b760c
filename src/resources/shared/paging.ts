/** v1 offset pagination, as Pipedrive reports it. */
export interface OffsetPagination {
  start?: number;
  limit?: number;
  more_items_in_collection?: boolean;
  next_start?: number;
}

/**
 * Pipedrive's v1 list envelope. Most lists report paging under
 * `additional_data.pagination`; leads report it in `additional_data` itself.
 */
export interface PipedriveList<T> {
  success: boolean;
  data: T[] | null;
  additional_data?:
    (OffsetPagination & { pagination?: OffsetPagination }) | null;
}

/**
 * Yields every item of a v1 offset-paginated list, page by page, until
 * Pipedrive says there are no more items or a page comes back empty. When
 * `next_start` is absent the next start is computed from the page size.
 * Only one page is held in memory at a time.
 */
export async function* pageThrough<T>(
  fetchPage: (start: number) => Promise<PipedriveList<T>>,
  firstStart = 0,
): AsyncGenerator<T> {
  let start = firstStart;
  for (;;) {
    const page = await fetchPage(start);
    const items = page.data ?? [];
    if (items.length === 0) {
      return;
    }
    yield* items;
    const pagination = page.additional_data?.pagination ?? page.additional_data;
    if (!pagination?.more_items_in_collection) {
      return;
    }
    const next = pagination.next_start ?? start + items.length;
    if (!(next > start)) {
      return;
    }
    start = next;
  }
}

/** Serialises a validated query DTO; undefined values are left out. */
export function toQueryString(query: object): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value !== undefined && value !== null) {
      params.set(name, String(value));
    }
  }

  return params.toString();
}
