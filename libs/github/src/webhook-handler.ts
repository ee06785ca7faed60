import { Injectable } from '@nestjs/common';
import { BranchesCache } from './branches-cache.js';
import { GithubJobs, type WebhookData } from './github-jobs.js';
import { InstallationState } from './installation-state.js';
import { IntegrationsService } from './integrations.service.js';

interface Payload {
  action?: string;
  installation?: { id?: number };
  repository?: { full_name?: string };
  ref_type?: string;
}

/**
 * What the worker does with a webhook. Each event is taken as "this changed, re-read it"
 * (deliveries can be lost or reordered), and installations no user links are ignored.
 */
@Injectable()
export class WebhookHandler {
  constructor(
    private readonly branches: BranchesCache,
    private readonly integrations: IntegrationsService,
    private readonly state: InstallationState,
    private readonly jobs: GithubJobs,
  ) {}

  async handle({ event, payload }: WebhookData): Promise<string> {
    const p = payload as Payload;
    const iid = Number(p.installation?.id);
    if (!Number.isSafeInteger(iid) || iid <= 0) return 'ignored: no installation';
    if (!(await this.integrations.isReferenced(iid))) return 'ignored: not linked';
    switch (event) {
      case 'installation':
        return this.installation(iid, p.action);
      case 'installation_repositories':
      case 'repository':
        await this.jobs.refreshRepos(iid, 'high');
        return 'repos refresh';
      case 'create':
      case 'delete':
        if (p.ref_type !== 'branch' || !p.repository?.full_name) return 'ignored: not a branch';
        await this.branches.drop(iid, p.repository.full_name);
        return 'branch cache dropped';
      default:
        return `ignored: ${event}`;
    }
  }

  private async installation(iid: number, action: string | undefined): Promise<string> {
    switch (action) {
      case 'deleted':
        await this.state.deleted(iid);
        return 'deleted';
      case 'suspend':
        await this.state.suspended(iid);
        return 'suspended';
      case 'unsuspend':
        await this.state.active(iid);
        await this.jobs.refreshRepos(iid, 'high');
        return 'unsuspended';
      default:
        await this.jobs.refreshRepos(iid, 'high');
        return 'repos refresh';
    }
  }
}
