import { Injectable } from '@nestjs/common';
import { GithubLoginLookup, UserDeletionListener } from '#libs/users';
import { IntegrationsService } from './integrations.service.js';

/** `github_login` of a user: the login of their most recently linked installation. */
@Injectable()
export class GithubLoginFromIntegrations extends GithubLoginLookup {
  constructor(private readonly integrations: IntegrationsService) {
    super();
  }

  githubLoginFor(userId: number): Promise<string | null> {
    return this.integrations.githubLogin(userId);
  }
}

/**
 * Before a user is hard-deleted: their integration rows go, and every installation no
 * other user references has its Redis cache purged and the App uninstalled on GitHub.
 */
@Injectable()
export class GithubCleanupOnUserDeletion extends UserDeletionListener {
  constructor(private readonly integrations: IntegrationsService) {
    super();
  }

  beforeUserDeleted(userId: number): Promise<void> {
    return this.integrations.unlinkAll(userId);
  }
}
