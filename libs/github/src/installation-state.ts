import { Injectable } from '@nestjs/common';
import { IntegrationsService } from './integrations.service.js';
import { ReposCache } from './repos-cache.js';

/**
 * Installation status changes learned from GitHub (a 404/403 on token mint, or a webhook): the
 * database rows (what the API shows and checks) and the cache meta (what the worker checks).
 */
@Injectable()
export class InstallationState {
  constructor(
    private readonly integrations: IntegrationsService,
    private readonly cache: ReposCache,
  ) {}

  /**
   * Uninstalled on GitHub: everything cached purged, then the rows marked deleted. In that order, so
   * by the time the API answers 410 (it reads the rows) nothing of the installation is left in Redis.
   */
  async deleted(installationId: number): Promise<void> {
    await this.cache.purge(installationId, 'deleted');
    await this.integrations.setStatus(installationId, 'deleted');
  }

  /** Suspended: the last snapshot stays served (as stale); no refresh until unsuspended. */
  async suspended(installationId: number): Promise<void> {
    await this.integrations.setStatus(installationId, 'suspended');
    await this.cache.setStatus(installationId, 'suspended');
  }

  async active(installationId: number): Promise<void> {
    await this.integrations.setStatus(installationId, 'active');
    await this.cache.setStatus(installationId, 'active');
  }
}
