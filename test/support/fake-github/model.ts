// The fake's in-memory world: installations with their repositories and branches, users with the
// installations they can see, single-use OAuth codes and issued tokens.
import { randomBytes } from 'node:crypto';
import type { FakeRepoSpec } from './types.js';

export interface FakeAccount { login: string; id: number; type: 'User' | 'Organization' }

export interface FakeRepo {
  id: number;
  name: string;
  fullName: string;
  ownerLogin: string;
  private: boolean;
  archived: boolean;
  defaultBranch: string;
  language: string | null;
  pushedAt: string;
  permissionsPush: boolean;
}

export interface FakeInstallation {
  id: number;
  account: FakeAccount;
  repositorySelection: 'all' | 'selected';
  repos: FakeRepo[];
  suspendedAt: string | null;
  deleted: boolean;
  /** Bumped on every change of the repository list, so ETags change with the content. */
  version: number;
}

export interface FakeUser { login: string; id: number; installations: Set<number> }

export interface IssuedToken { token: string; kind: 'installation' | 'user'; installationId?: number; login?: string; expiresAt: number }

const randomToken = (prefix: string) => `${prefix}_${randomBytes(27).toString('base64url').slice(0, 36)}`;

export class FakeModel {
  readonly installations = new Map<number, FakeInstallation>();
  readonly users = new Map<string, FakeUser>();
  readonly tokens = new Map<string, IssuedToken>();
  /** code → login */
  readonly codes = new Map<string, string>();
  /** full name (lower case) → branch names */
  readonly branches = new Map<string, string[]>();
  tokensMinted = 0;
  private nextRepoId = 100_001;
  private nextAccountId = 5_000_001;
  /** Repository ids are stable per full name, like GitHub's, so a replaced list keeps ids. */
  private readonly repoIds = new Map<string, number>();

  addInstallation(opts: { id: number; account: { login: string; id?: number; type?: 'User' | 'Organization' };
    repositorySelection?: 'all' | 'selected'; repos?: number | FakeRepoSpec[] }): void {
    const inst: FakeInstallation = {
      id: opts.id,
      account: { login: opts.account.login, id: opts.account.id ?? this.nextAccountId++, type: opts.account.type ?? 'User' },
      repositorySelection: opts.repositorySelection ?? 'selected',
      repos: [],
      suspendedAt: null,
      deleted: false,
      version: 0,
    };
    this.installations.set(inst.id, inst);
    this.setRepos(inst.id, opts.repos ?? 0);
  }

  installation(id: number): FakeInstallation {
    const inst = this.installations.get(id);
    if (!inst) throw new Error(`fake GitHub: no installation ${id}`);
    return inst;
  }

  /** An installation GitHub would still answer for (known and not uninstalled). */
  live(id: number): FakeInstallation | undefined {
    const inst = this.installations.get(id);
    return inst && !inst.deleted ? inst : undefined;
  }

  setRepos(installationId: number, repos: number | FakeRepoSpec[]): void {
    const inst = this.installation(installationId);
    const specs: FakeRepoSpec[] = typeof repos === 'number'
      ? Array.from({ length: repos }, (_, i) => ({ name: `repo-${String(i + 1).padStart(5, '0')}` }))
      : repos;
    inst.repos = specs.map((spec) => this.repoFrom(inst, spec));
    inst.version++;
  }

  removeRepo(installationId: number, fullName: string): void {
    const inst = this.installation(installationId);
    const before = inst.repos.length;
    inst.repos = inst.repos.filter((r) => r.fullName.toLowerCase() !== fullName.toLowerCase());
    if (inst.repos.length === before) throw new Error(`fake GitHub: installation ${installationId} has no ${fullName}`);
    inst.version++;
  }

  setBranches(fullName: string, branches: string[]): void {
    this.branches.set(fullName.toLowerCase(), [...branches]);
  }

  branchesOf(repo: FakeRepo): string[] {
    return this.branches.get(repo.fullName.toLowerCase()) ?? [repo.defaultBranch];
  }

  findRepo(installationId: number, fullName: string): FakeRepo | undefined {
    const key = fullName.toLowerCase();
    return this.live(installationId)?.repos.find((r) => r.fullName.toLowerCase() === key);
  }

  addUser(opts: { login: string; id?: number; installations?: number[] }): { code: string } {
    this.users.set(opts.login, { login: opts.login, id: opts.id ?? this.nextAccountId++, installations: new Set(opts.installations ?? []) });
    return { code: this.newCode(opts.login) };
  }

  newCode(login: string): string {
    if (!this.users.has(login)) throw new Error(`fake GitHub: no user ${login}`);
    const code = randomBytes(10).toString('hex');
    this.codes.set(code, login);
    return code;
  }

  /** Consumes a code (single use): the user's login, or undefined when unknown or already used. */
  consumeCode(code: string): string | undefined {
    const login = this.codes.get(code);
    this.codes.delete(code);
    return login;
  }

  issueInstallationToken(installationId: number, ttlS: number): IssuedToken {
    const issued: IssuedToken = { token: randomToken('ghs'), kind: 'installation', installationId, expiresAt: Date.now() + ttlS * 1000 };
    this.tokens.set(issued.token, issued);
    this.tokensMinted++;
    return issued;
  }

  issueUserToken(login: string, ttlS: number): IssuedToken {
    const issued: IssuedToken = { token: randomToken('ghu'), kind: 'user', login, expiresAt: Date.now() + ttlS * 1000 };
    this.tokens.set(issued.token, issued);
    return issued;
  }

  /** A token that is known and not expired; installation tokens die with their installation. */
  validToken(token: string): IssuedToken | undefined {
    const issued = this.tokens.get(token);
    if (!issued || issued.expiresAt <= Date.now()) return undefined;
    if (issued.kind === 'installation' && !this.live(issued.installationId!)) return undefined;
    if (issued.kind === 'user' && !this.users.has(issued.login!)) return undefined;
    return issued;
  }

  expireTokens(): void {
    for (const t of this.tokens.values()) t.expiresAt = 0;
  }

  /** Installations the user can see, ordered by id (uninstalled ones vanish). */
  installationsOf(login: string): FakeInstallation[] {
    const user = this.users.get(login);
    if (!user) return [];
    return [...user.installations].sort((a, b) => a - b).map((id) => this.live(id)).filter((i): i is FakeInstallation => !!i);
  }

  accountFor(inst: FakeInstallation, repo: FakeRepo): FakeAccount {
    if (repo.ownerLogin === inst.account.login) return inst.account;
    return { login: repo.ownerLogin, id: this.accountIdFor(repo.ownerLogin), type: 'Organization' };
  }

  private readonly ownerIds = new Map<string, number>();
  private accountIdFor(login: string): number {
    let id = this.ownerIds.get(login);
    if (id === undefined) {
      id = this.nextAccountId++;
      this.ownerIds.set(login, id);
    }
    return id;
  }

  private repoFrom(inst: FakeInstallation, spec: FakeRepoSpec): FakeRepo {
    const owner = spec.owner ?? inst.account.login;
    const fullName = `${owner}/${spec.name}`;
    let id = this.repoIds.get(fullName.toLowerCase());
    if (id === undefined) {
      id = this.nextRepoId++;
      this.repoIds.set(fullName.toLowerCase(), id);
    }
    return {
      id,
      name: spec.name,
      fullName,
      ownerLogin: owner,
      private: spec.private ?? true,
      archived: spec.archived ?? false,
      defaultBranch: spec.default_branch ?? 'main',
      language: spec.language === undefined ? 'TypeScript' : spec.language,
      pushedAt: spec.pushed_at ?? new Date(Date.UTC(2024, 0, 1) + (id % 100_000) * 60_000).toISOString().replace('.000Z', 'Z'),
      permissionsPush: spec.permissions_push ?? true,
    };
  }
}
