import {
  Column,
  CreateDateColumn,
  Entity,
  PrimaryGeneratedColumn,
} from 'typeorm';

/**
 * A service API key. Only its SHA-256 is stored; the key itself is shown
 * once, when it is created.
 */
@Entity('api_keys')
export class ApiKey {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'varchar', length: 100 })
  name: string;

  @Column({
    name: 'key_hash',
    type: 'char',
    length: 64,
    unique: true,
    select: false,
  })
  keyHash: string;

  /** The first characters of the key, to recognise it in a list. */
  @Column({ name: 'key_prefix', type: 'varchar', length: 16 })
  keyPrefix: string;

  /** Null means every company. */
  @Column({
    name: 'company_ids',
    type: 'bigint',
    array: true,
    nullable: true,
    transformer: {
      to: (value: number[] | null) => value,
      from: (value: string[] | null) => value?.map(Number) ?? null,
    },
  })
  companyIds: number[] | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt: Date | null;

  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt: Date | null;
}
