import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateAuditLog1796398496920 implements MigrationInterface {
  name = 'CreateAuditLog1796398496920';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "audit_log" (
        "id" bigint GENERATED ALWAYS AS IDENTITY,
        "occurred_at" timestamptz NOT NULL DEFAULT now(),
        "actor_type" varchar(16) NOT NULL,
        "actor_id" varchar(64) NOT NULL,
        "action" varchar(64) NOT NULL,
        "installation_id" uuid,
        "company_id" bigint,
        "target_id" varchar(64),
        "outcome" varchar(16) NOT NULL,
        "error_code" varchar(64),
        "detail" jsonb,
        CONSTRAINT "PK_audit_log" PRIMARY KEY ("id"),
        CONSTRAINT "CHK_audit_log_outcome" CHECK ("outcome" IN ('success', 'failure'))
      )
    `);
    await queryRunner.query(
      'CREATE INDEX "IDX_audit_log_installation" ON "audit_log" ("installation_id", "id")',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_audit_log_action" ON "audit_log" ("action", "id")',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "audit_log"');
  }
}
