import { Injectable, Logger } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import type { Page, PageRequest } from '#libs/core';
import { classifyGithubError } from './github-failure.js';
import { GithubClient } from './github-client.js';
import { GithubIntegration, type GithubAccount, type GithubUserRef, type InstallationStatus } from './github-integration.entity.js';
import { ReposCache } from './repos-cache.js';

export interface LinkedInstallation {
  userId: number;
  installationId: number;
  account: GithubAccount;
  repositorySelection: string | null;
  githubUser: GithubUserRef;
  status?: InstallationStatus;
  /** Sealed user tokens from the connect flow (always stored when linking through it). */
  tokens?: UserTokens;
}

export interface UserTokens {
  accessToken: string;
  refreshToken: string | null;
  refreshedAt: Date;
  accessTokenExpiresAt: Date | null;
  refreshTokenExpiresAt: Date | null;
}

/** The integration rows: who linked which installation, and the uninstall-if-last rule. */
@Injectable()
export class IntegrationsService {
  private readonly logger = new Logger('IntegrationsService');

  constructor(
    @InjectRepository(GithubIntegration) private readonly rows: Repository<GithubIntegration>,
    private readonly cache: ReposCache,
    private readonly client: GithubClient,
  ) {}

  async list(userId: number, page: PageRequest): Promise<Page<GithubIntegration>> {
    const [items, count] = await this.rows.findAndCount({
      where: { userId },
      order: { createdAt: 'ASC', id: 'ASC' },
      take: page.limit,
      skip: page.offset,
    });
    return { items, count };
  }

  find(userId: number, installationId: number): Promise<GithubIntegration | null> {
    return this.rows.findOne({ where: { userId, installationId: String(installationId) } });
  }

  /** Creates or refreshes the (user, installation) row; a reconnect makes it active again. */
  async link(linked: LinkedInstallation): Promise<void> {
    await this.rows.upsert(
      {
        userId: linked.userId,
        installationId: String(linked.installationId),
        account: linked.account,
        repositorySelection: linked.repositorySelection,
        githubUser: linked.githubUser,
        status: linked.status ?? 'active',
        updatedAt: new Date(),
        ...(linked.tokens
          ? {
              userAccessToken: linked.tokens.accessToken,
              userRefreshToken: linked.tokens.refreshToken,
              userTokenRefreshedAt: linked.tokens.refreshedAt,
              userAccessTokenExpiresAt: linked.tokens.accessTokenExpiresAt,
              userRefreshTokenExpiresAt: linked.tokens.refreshTokenExpiresAt,
            }
          : {}),
      },
      { conflictPaths: ['userId', 'installationId'] },
    );
  }

  /** The `setup_action=update` return: account and repository selection as GitHub now says. */
  async refreshDetails(userId: number, installationId: number, details: { account: GithubAccount; repositorySelection: string | null }): Promise<void> {
    await this.rows.update({ userId, installationId: String(installationId) }, { ...details, updatedAt: new Date() });
  }

  /** Deletes the row; the last reference to an installation also purges its cache and uninstalls the App. */
  async unlink(userId: number, installationId: number): Promise<boolean> {
    const result = await this.rows.delete({ userId, installationId: String(installationId) });
    if (!result.affected) return false;
    await this.releaseIfUnreferenced(installationId);
    return true;
  }

  /** Every row of the user goes; installations nobody else references are released. */
  async unlinkAll(userId: number): Promise<void> {
    const rows = await this.rows.find({ where: { userId } });
    await this.rows.delete({ userId });
    for (const row of rows) await this.releaseIfUnreferenced(Number(row.installationId));
  }

  /** The login of the user's most recently linked installation. */
  async githubLogin(userId: number): Promise<string | null> {
    const row = await this.rows.findOne({ where: { userId }, order: { createdAt: 'DESC', id: 'DESC' } });
    return row?.githubUser.login ?? null;
  }

  async setStatus(installationId: number, status: InstallationStatus): Promise<void> {
    await this.rows.update({ installationId: String(installationId) }, { status, updatedAt: new Date() });
  }

  /** Installations some user links and that are worth refreshing. */
  async activeInstallationIds(): Promise<number[]> {
    const rows: { installation_id: string }[] = await this.rows.query(
      `SELECT DISTINCT installation_id FROM github_integrations WHERE status = 'active'`,
    );
    return rows.map((r) => Number(r.installation_id));
  }

  /** The installation ids (decimal strings) the user has linked. */
  async installationIdsOf(userId: number): Promise<string[]> {
    return (await this.rows.find({ where: { userId }, select: { installationId: true } })).map((r) => String(r.installationId));
  }

  async isReferenced(installationId: number): Promise<boolean> {
    return (await this.rows.count({ where: { installationId: String(installationId) } })) > 0;
  }

  private async releaseIfUnreferenced(installationId: number): Promise<void> {
    if (await this.isReferenced(installationId)) return;
    await this.cache.purge(installationId);
    if (!this.client.app) return;
    try {
      await this.client.appClient().request('DELETE /app/installations/{installation_id}', {
        installation_id: installationId,
        request: { retries: 0 },
      });
    } catch (error) {
      // 404: already gone on GitHub, which is what we wanted. Anything else is only logged.
      const failure = classifyGithubError(error);
      if (failure.kind !== 'not_found') {
        this.logger.warn(`Uninstalling GitHub installation ${installationId} failed: ${failure.kind}`);
      }
    }
  }
}
