import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * An OAuth `state` issued by `/oauth/authorize`: single use, expiring, and
 * bound to the browser that started the install by a cookie whose SHA-256
 * is stored here.
 */
@Entity('oauth_states')
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
