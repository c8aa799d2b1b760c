import { type MigrationInterface, type QueryRunner } from 'typeorm';

export class CreateInstallations1796397863898 implements MigrationInterface {
  name = 'CreateInstallations1796397863898';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "installations" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "company_id" bigint NOT NULL,
        "user_id" bigint NOT NULL,
        "company_name" varchar(255),
        "company_domain" varchar(255),
        "user_name" varchar(255),
        "user_is_admin" boolean NOT NULL DEFAULT false,
        "status" varchar(32) NOT NULL,
        "scopes" text[] NOT NULL DEFAULT '{}',
        "api_domain" varchar(255) NOT NULL,
        "access_token_ciphertext" text,
        "refresh_token_ciphertext" text,
        "token_key_id" varchar(32),
        "revision" integer NOT NULL DEFAULT 0,
        "access_token_expires_at" timestamptz,
        "installed_at" timestamptz NOT NULL DEFAULT now(),
        "updated_at" timestamptz NOT NULL DEFAULT now(),
        "refresh_token_used_at" timestamptz,
        "last_refresh_at" timestamptz,
        "last_refresh_outcome" varchar(32),
        "consecutive_refresh_failures" integer NOT NULL DEFAULT 0,
        "revocation_pending" boolean NOT NULL DEFAULT false,
        CONSTRAINT "PK_installations" PRIMARY KEY ("id"),
        CONSTRAINT "CHK_installations_status" CHECK ("status" IN ('active', 'reauthorization_required', 'uninstalled', 'revoked'))
      )
    `);
    await queryRunner.query(
      'CREATE UNIQUE INDEX "IDX_installations_company_user" ON "installations" ("company_id", "user_id")',
    );
    await queryRunner.query(
      'CREATE INDEX "IDX_installations_status" ON "installations" ("status", "refresh_token_used_at")',
    );
    await queryRunner.query(`
      CREATE TABLE "oauth_states" (
        "id" varchar(64) NOT NULL,
        "browser_binding_hash" char(64) NOT NULL,
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "expires_at" timestamptz NOT NULL,
        "consumed_at" timestamptz,
        CONSTRAINT "PK_oauth_states" PRIMARY KEY ("id")
      )
    `);
    await queryRunner.query(
      'CREATE INDEX "IDX_oauth_states_expires_at" ON "oauth_states" ("expires_at")',
    );
    await queryRunner.query(`
      CREATE TABLE "api_keys" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "name" varchar(100) NOT NULL,
        "key_hash" char(64) NOT NULL,
        "key_prefix" varchar(16) NOT NULL,
        "company_ids" bigint[],
        "created_at" timestamptz NOT NULL DEFAULT now(),
        "revoked_at" timestamptz,
        "last_used_at" timestamptz,
        CONSTRAINT "PK_api_keys" PRIMARY KEY ("id"),
        CONSTRAINT "UQ_api_keys_key_hash" UNIQUE ("key_hash")
      )
    `);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "api_keys"');
    await queryRunner.query('DROP TABLE "oauth_states"');
    await queryRunner.query('DROP TABLE "installations"');
  }
}
