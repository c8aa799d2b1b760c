import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateWebhooks1796398518549 implements MigrationInterface {
  name = 'CreateWebhooks1796398518549';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "webhook_subscriptions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "company_id" bigint NOT NULL,
        "installation_id" uuid NOT NULL,
        "pipedrive_webhook_id" bigint NOT NULL,
        "subscription_url" text NOT NULL,
        "event_action" varchar(16) NOT NULL,
        "event_object" varchar(32) NOT NULL,
        "version" varchar(3) NOT NULL,
        "name" varchar(255) NOT NULL,
        "pipedrive_user_id" bigint,
        "gateway_managed" boolean NOT NULL,
        "http_auth_user" varchar(64),
        "http_auth_password_hash" char(64),
        "status" varchar(16) NOT NULL,
        "pipedrive_record" jsonb NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_webhook_subscriptions" PRIMARY KEY ("id"),
        CONSTRAINT "CHK_webhook_subscriptions_status" CHECK ("status" IN ('active', 'deleted', 'uninstalled')),
        CONSTRAINT "CHK_webhook_subscriptions_version" CHECK ("version" IN ('1.0', '2.0'))
      )
    `);
    await queryRunner.query(`
      CREATE UNIQUE INDEX "IDX_webhook_subscriptions_identity"
        ON "webhook_subscriptions" ("company_id", "subscription_url", "event_action", "event_object", "version")
        WHERE "status" = 'active'
    `);
    await queryRunner.query(
      'CREATE UNIQUE INDEX "IDX_webhook_subscriptions_auth_user" ON "webhook_subscriptions" ("company_id", "http_auth_user") WHERE "http_auth_user" IS NOT NULL',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_webhook_subscriptions_installation" ON "webhook_subscriptions" ("installation_id", "status")',
    );
    await queryRunner.query(`
      CREATE TABLE "webhook_events" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "company_id" bigint NOT NULL,
        "event_id" varchar(128) NOT NULL,
        "subscription_id" uuid,
        "pipedrive_webhook_id" bigint,
        "version" varchar(3) NOT NULL,
        "object" varchar(32) NOT NULL,
        "action" varchar(16) NOT NULL,
        "entity_id" varchar(64),
        "occurred_at" timestamptz,
        "attempt" integer,
        "payload" jsonb NOT NULL,
        "received_at" timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT "PK_webhook_events" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_webhook_events_company_event" UNIQUE ("company_id", "event_id")
      )
    `);
    await queryRunner.query(
      'CREATE INDEX "IDX_webhook_events_received" ON "webhook_events" ("received_at" DESC, "id" DESC)',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_webhook_events_company_received" ON "webhook_events" ("company_id", "received_at" DESC, "id" DESC)',
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "webhook_events"');
    await queryRunner.query('DROP TABLE "webhook_subscriptions"');
  }
}
