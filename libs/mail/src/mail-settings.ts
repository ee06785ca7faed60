import type { AppConfig } from '#libs/config';

/** E-mail is available when it is enabled and an SMTP host is set (docs/operations.md). */
export const isEmailAvailable = (config: AppConfig): boolean => config.EMAIL_ENABLED && config.EMAIL_HOST !== '';
