import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import type { Repository } from 'typeorm';
import { APP_CONFIG, type AppConfig } from '#libs/config';
import { SecretBox } from '#libs/core';
import { GithubClient, type UserTokenGrant } from './github-client.js';
import { GithubIntegration } from './github-integration.entity.js';
import type { UserTokens } from './integrations.service.js';

/** Refresh answers that mean the grant is dead: the row goes and the user must connect again. */
const FATAL_REFRESH_ERRORS = new Set(['bad_refresh_token', 'incorrect_client_credentials', 'refresh_token_expired', 'unauthorized_client']);

/**
 * The user-to-server tokens kept on an integration row (docs/api.md, GitHub connect): sealed with
 * SecretBox, refreshed once past half their life with GitHub's refresh-token grant (the refresh token
 * rotates). A row is deleted only when its refresh token has expired or GitHub refuses the grant.
 */
@Injectable()
export class UserTokensService {
  private readonly logger = new Logger('UserTokensService');
  private readonly box: SecretBox;

  constructor(
    @Inject(APP_CONFIG) config: AppConfig,
    @InjectRepository(GithubIntegration) private readonly rows: Repository<GithubIntegration>,
    private readonly client: GithubClient,
  ) {
    this.box = new SecretBox([config.SECRET_KEY, ...config.SECRET_KEY_FALLBACKS], 'github-user-tokens');
  }

  /** Seals a token endpoint answer for storage; expiries are counted from now. */
  seal(grant: UserTokenGrant, previous?: { refreshToken: string | null; accessTokenExpiresAt: Date | null; refreshTokenExpiresAt: Date | null }): UserTokens {
    const now = Date.now();
    return {
      accessToken: this.box.seal(grant.access_token),
      // GitHub may not return a new refresh token: the old one stays.
      refreshToken: grant.refresh_token ? this.box.seal(grant.refresh_token) : (previous?.refreshToken ?? null),
      refreshedAt: new Date(now),
      accessTokenExpiresAt: typeof grant.expires_in === 'number' ? new Date(now + grant.expires_in * 1000) : (previous?.accessTokenExpiresAt ?? null),
      refreshTokenExpiresAt:
        typeof grant.refresh_token_expires_in === 'number' ? new Date(now + grant.refresh_token_expires_in * 1000) : (previous?.refreshTokenExpiresAt ?? null),
    };
  }

  /**
   * A usable user access token of the user's most recently linked row that has one, refreshing it
   * first when past half its life; null when no row has one. The row is locked while refreshing, so
   * two callers never spend the same single-use refresh token. Throws when GitHub fails otherwise.
   */
  async usableToken(userId: number): Promise<string | null> {
    const candidates = await this.rows
      .createQueryBuilder('i')
      .select('i.id')
      .where('i.user_id = :userId AND i.user_access_token IS NOT NULL', { userId })
      .orderBy('i.created_at', 'DESC')
      .getMany();
    for (const { id } of candidates) {
      const token = await this.rows.manager.transaction(async (tx) => {
        const [row] = (await tx.query('SELECT * FROM github_integrations WHERE id = $1 FOR UPDATE', [id])) as Array<Record<string, string | Date | null>>;
        if (!row?.user_access_token) return null;
        const now = Date.now();
        const refreshExpires = row.user_refresh_token_expires_at as Date | null;
        if (refreshExpires && refreshExpires.getTime() <= now) {
          await tx.query('DELETE FROM github_integrations WHERE id = $1', [id]);
          return null;
        }
        const expires = row.user_access_token_expires_at as Date | null;
        const refreshedAt = (row.user_token_refreshed_at as Date | null) ?? new Date(now);
        if (!expires || now <= expires.getTime() - (expires.getTime() - refreshedAt.getTime()) / 2) return this.box.open(row.user_access_token as string);
        if (!row.user_refresh_token) return null;
        const answer = await this.client.refreshUserToken(this.box.open(row.user_refresh_token as string));
        if ('error' in answer) {
          if (FATAL_REFRESH_ERRORS.has(answer.error)) {
            await tx.query('DELETE FROM github_integrations WHERE id = $1', [id]);
            return null;
          }
          throw new Error(`GitHub refused the user token refresh: ${answer.error}`);
        }
        const next = this.seal(answer, {
          refreshToken: row.user_refresh_token as string,
          accessTokenExpiresAt: expires,
          refreshTokenExpiresAt: refreshExpires,
        });
        await tx.query(
          `UPDATE github_integrations SET user_access_token = $2, user_refresh_token = $3, user_token_refreshed_at = $4,
             user_access_token_expires_at = $5, user_refresh_token_expires_at = $6 WHERE id = $1`,
          [id, next.accessToken, next.refreshToken, next.refreshedAt, next.accessTokenExpiresAt, next.refreshTokenExpiresAt],
        );
        return answer.access_token;
      });
      if (token) return token;
    }
    this.logger.debug(`No usable GitHub user token for user ${userId}`);
    return null;
  }
}
