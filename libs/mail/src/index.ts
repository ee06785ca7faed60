/** E-mail: queued messages sent by the worker over SMTP, templates, and the account notices. */
export { MailModule } from './mail.module.js';
export { Mailer } from './mailer.js';
export { MailJob, type MailJobData, type SendMailData } from './mail-jobs.js';
export { MailSender, type SendOutcome } from './mail-sender.js';
export { MailAccountNotifier } from './account-notices.js';
export { isEmailAvailable } from './mail-settings.js';
export { PasswordResetService } from './password-reset.service.js';
export { EmailVerificationService, normalizeCode } from './email-verification.service.js';
