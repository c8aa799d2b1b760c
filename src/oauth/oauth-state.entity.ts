import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * An OAuth `state` issued by `/oauth/authorize`: single use, expiring, and
 * bound to the browser that started the install by a cookie whose SHA-256
 * is stored here.
 */
/*
 * Indexes and constraints below are created by the hand-written migration;
 * they are declared here with `synchronize: false` so that
 * `migration:generate` neither drops nor rewrites them.
 */
@Entity('oauth_states')
@Index('IDX_oauth_states_expires_at', { synchronize: false })
export class OAuthState {
  @PrimaryColumn({ type: 'varchar', length: 64 })
  id: string;

  @Column({ name: 'browser_binding_hash', type: 'char', length: 64 })
  browserBindingHash: string;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'expires_at', type: 'timestamptz' })
  expiresAt: Date;

  @Column({ name: 'consumed_at', type: 'timestamptz', nullable: true })
  consumedAt: Date | null;
}
