/** Pipedrive's two timestamp styles: ISO 8601 (leads, webhooks) and SQL-like. */

export function isoTime(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** Formats as `YYYY-MM-DD HH:MM:SS` in UTC, as v1 notes, files and users do. */
export function sqlTime(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ');
}

export function isoDate(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** Parses either timestamp style (assumed UTC) into epoch milliseconds. */
export function parseTime(value: string): number {
  const normalized = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(value)
    ? value.replace(' ', 'T') + 'Z'
    : value;

  return Date.parse(normalized);
}
