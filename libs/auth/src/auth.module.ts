import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { OrganizationsModule } from '#libs/organizations';
import { UsersModule } from '#libs/users';
import { ApiKeysService } from './api-keys.service.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { PersonalApiKey } from './personal-api-key.entity.js';
import { PasskeyCredential } from './passkeys/passkey-credential.entity.js';
import { PasskeysService } from './passkeys/passkeys.service.js';
import { WebauthnChallenges } from './passkeys/webauthn-challenges.js';
import { SessionsService } from './sessions.service.js';
import { ThrottlesService } from './throttles.service.js';
import { BackupCode } from './two-factor/backup-code.entity.js';
import { TotpDevice } from './two-factor/totp-device.entity.js';
import { PendingLogins } from './two-factor/pending-logins.js';
import { SecondFactorService } from './two-factor/second-factor.service.js';
import { TwoFactorService } from './two-factor/two-factor.service.js';

/** Sessions, personal API keys, passkeys, scopes and throttles: the HTTP edge's notion of a caller. */
@Module({
  imports: [TypeOrmModule.forFeature([PersonalApiKey, PasskeyCredential, TotpDevice, BackupCode]), UsersModule, OrganizationsModule],
  providers: [ApiKeysService, AuthService, AuthGuard, PasskeysService, SessionsService, ThrottlesService, TwoFactorService, PendingLogins, SecondFactorService, WebauthnChallenges],
  exports: [ApiKeysService, AuthService, AuthGuard, PasskeysService, SessionsService, ThrottlesService, TwoFactorService, SecondFactorService],
})
export class AuthModule {}
