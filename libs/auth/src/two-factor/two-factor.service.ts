import { Inject, Injectable } from '@nestjs/common';
import { InjectDataSource, InjectRepository } from '@nestjs/typeorm';
import { In, type DataSource, type Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { SecretBox, validationError } from '#libs/core';
import { REDIS, type RedisClient } from '#libs/redis';
import { BackupCode } from './backup-code.entity.js';
import { TotpDevice } from './totp-device.entity.js';
import { hashBackupCode, matchTotp, newBackupCode, newTotpSecret, readTotpCode } from './totp.js';

/** How long a started setup waits for its first code, per session (docs/api.md). */
export const TOTP_SETUP_TTL_S = 600;
export const BACKUP_CODE_COUNT = 10;

const setupKey = (sessionId: string) => `2fa-setup:${sessionId}`;
const backoffKey = (userId: number) => `2fa-backoff:${userId}`;
/** Backoff after the n-th wrong code in a row: 2^n s, never more than this. */
const MAX_BACKOFF_S = 900;
const uniqueViolation = (error: unknown) => (error as { code?: string }).code === '23505';

/**
 * TOTP devices and backup codes (docs/api.md, Two-factor authentication): setup bound to the
 * session that started it, the secret sealed at rest, backup codes kept as hashes only.
 */
@Injectable()
export class TwoFactorService {
  private readonly box: SecretBox;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @Inject(REDIS) private readonly redis: RedisClient,
    @InjectDataSource() private readonly dataSource: DataSource,
    @InjectRepository(TotpDevice) private readonly devices: Repository<TotpDevice>,
    @InjectRepository(BackupCode) private readonly codes: Repository<BackupCode>,
  ) {
    this.box = new SecretBox([config.SECRET_KEY, ...config.SECRET_KEY_FALLBACKS], 'totp-secrets');
  }

  /** A new secret, pending for this session only; a new call replaces it. */
  async beginSetup(sessionId: string): Promise<string> {
    const secret = newTotpSecret();
    await this.redis.set(setupKey(sessionId), this.box.seal(secret), 'EX', TOTP_SETUP_TTL_S);
    return secret;
  }

  /**
   * Creates the device from the session's pending secret and a code for it. The code's time step
   * is recorded as used, so it cannot log in again.
   */
  async enable(userId: number, sessionId: string, token: unknown): Promise<void> {
    const sealed = await this.redis.get(setupKey(sessionId));
    if (!sealed) throw validationError('setup_expired', '2FA setup session expired. Please start setup again.', null);
    if (token === undefined) throw validationError('required', 'This field is required.', 'token');
    const secret = this.box.open(sealed);
    const code = readTotpCode(token);
    const match = code === null ? null : matchTotp(secret, code);
    if (!match) throw validationError('token_invalid', 'Token is not valid', null);
    try {
      await this.devices.insert({ userId, secret: this.box.seal(secret), lastStep: match.step, drift: match.drift });
    } catch (error) {
      if (uniqueViolation(error)) throw validationError('2fa_already_enabled', '2FA is already enabled.', null);
      throw error;
    }
    await this.redis.del(setupKey(sessionId));
  }

  async device(userId: number): Promise<TotpDevice | null> {
    return this.devices.findOneBy({ userId });
  }

  /**
   * A login's second factor: a TOTP code of a step after the last one used (its step becomes the last
   * used, atomically, so a code logs in once), else a backup code (deleted as it is used).
   */
  async verifyLoginCode(userId: number, token: unknown): Promise<'totp' | 'backup_code' | null> {
    const device = await this.device(userId);
    if (!device) return null;
    const code = readTotpCode(token);
    const match = code === null ? null : matchTotp(this.box.open(device.secret), code);
    if (match && match.step > device.lastStep) {
      const [, updated] = (await this.dataSource.query('UPDATE totp_devices SET last_step = $1, drift = $2 WHERE id = $3 AND last_step < $1', [
        match.step,
        match.drift,
        device.id,
      ])) as [unknown, number];
      if (updated === 1) return 'totp';
    }
    if (typeof token !== 'string' || token.length > 64) return null;
    const deleted = await this.codes.delete({ userId, codeHash: hashBackupCode(token) });
    return deleted.affected ? 'backup_code' : null;
  }

  /** Refuses while the user is backing off from wrong codes (a refused attempt does not count). */
  async assertNotBackingOff(userId: number): Promise<void> {
    const [failures, lastAt] = await this.redis.hmget(backoffKey(userId), 'n', 'at');
    if (!failures || !lastAt) return;
    const waitMs = Math.min(2 ** Number(failures), MAX_BACKOFF_S) * 1000;
    if (Date.now() < Number(lastAt) + waitMs) throw validationError('2fa_too_many_attempts', 'Too many attempts.', null);
  }

  async recordFailure(userId: number): Promise<void> {
    await this.redis
      .multi()
      .hincrby(backoffKey(userId), 'n', 1)
      .hset(backoffKey(userId), 'at', Date.now())
      .expire(backoffKey(userId), MAX_BACKOFF_S)
      .exec();
  }

  async resetFailures(userId: number): Promise<void> {
    await this.redis.del(backoffKey(userId));
  }

  async hasTotp(userId: number): Promise<boolean> {
    return this.devices.existsBy({ userId });
  }

  /** The users of `userIds` with a TOTP device (one query for a page of user bodies). */
  async usersWithTotp(userIds: number[]): Promise<Set<number>> {
    if (userIds.length === 0) return new Set();
    const rows = await this.devices.find({ select: { userId: true }, where: { userId: In(userIds) } });
    return new Set(rows.map((r) => r.userId));
  }

  async backupCodesRemaining(userId: number): Promise<number> {
    return this.codes.countBy({ userId });
  }

  /** Replaces every backup code with 10 new ones, returned once and stored as hashes. */
  async regenerateBackupCodes(userId: number): Promise<string[]> {
    if (!(await this.hasTotp(userId))) throw validationError('2fa_not_enabled', '2FA must be enabled first', null);
    const codes = Array.from({ length: BACKUP_CODE_COUNT }, newBackupCode);
    await this.dataSource.transaction(async (tx) => {
      await tx.delete(BackupCode, { userId });
      await tx.insert(BackupCode, codes.map((code) => ({ userId, codeHash: hashBackupCode(code) })));
    });
    return codes;
  }

  /** Deletes the TOTP device and every backup code (passkeys are not touched). */
  async disable(userId: number): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await tx.delete(BackupCode, { userId });
      await tx.delete(TotpDevice, { userId });
    });
  }
}
