import { DataSource } from 'typeorm';
import { createDataSourceOptions } from '../../src/database/typeorm-options';
import { CreateAuditLog1796398496920 } from '../../migrations/1796398496920-CreateAuditLog';
import { createTestDatabase } from '../support/database';

describe('audit log migration', () => {
  it('drops and recreates the table', async () => {
    const database = await createTestDatabase();
    const dataSource = new DataSource(createDataSourceOptions(database.url));
    await dataSource.initialize();
    try {
      await dataSource.runMigrations();
      const runner = dataSource.createQueryRunner();
      const migration = new CreateAuditLog1796398496920();
      const tableExists = async (): Promise<boolean> =>
        (
          (await runner.query(
            "SELECT to_regclass('public.audit_log') IS NOT NULL AS present",
          )) as Array<{ present: boolean }>
        )[0].present;

      expect(await tableExists()).toBe(true);
      await migration.down(runner);
      expect(await tableExists()).toBe(false);
      await migration.up(runner);
      expect(await tableExists()).toBe(true);

      await runner.query(
        `INSERT INTO audit_log (actor_type, actor_id, action, outcome)
         VALUES ('admin', 'admin', 'installation.refresh', 'success')`,
      );
      await expect(
        runner.query(
          `INSERT INTO audit_log (actor_type, actor_id, action, outcome)
           VALUES ('admin', 'admin', 'installation.refresh', 'maybe')`,
        ),
      ).rejects.toThrow(/CHK_audit_log_outcome/);
      await runner.release();
    } finally {
      await dataSource.destroy();
      await database.drop();
    }
  });
});
