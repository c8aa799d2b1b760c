/** Stops the embedded PostgreSQL that global setup started, if any. */
export default async function globalTeardown(): Promise<void> {
  await globalThis.embeddedDatabase?.stop();
}
