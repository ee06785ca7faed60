import escapeHtml from 'escape-html';

/** A rendered message: HTML only (the text part is empty, as PostHog sends them). */
export interface RenderedMail {
  subject: string;
  html: string;
}

/** Every message the service sends, with the parameters its template needs. */
export interface MailTemplates {
  email_code: { code: string; minutes: string };
  email_changed_old: { old_email: string; new_email: string };
  email_changed_new: { old_email: string; new_email: string };
  password_reset: { link: string };
  password_changed: Record<string, never>;
  two_factor_enabled: Record<string, never>;
  two_factor_disabled: Record<string, never>;
  backup_code_used: Record<string, never>;
}
export type MailTemplate = keyof MailTemplates;

/** Every value is escaped here, once, so no caller can put raw user input into the HTML. */
const page = (body: string, preheader = ''): string =>
  '<!doctype html><html><body>' +
  (preheader ? `<div style="display:none">${escapeHtml(preheader)}</div>` : '') +
  `${body}<p>The PostHog team</p></body></html>`;
const p = (text: string) => `<p>${escapeHtml(text)}</p>`;

export const PASSWORD_RESET_PREHEADER = 'Please follow the link inside to reset your password.';

/** Renders one message; an unknown template (a job from a newer release) returns null. */
export function renderMail(template: string, params: Record<string, string>): RenderedMail | null {
  const t = template as MailTemplate;
  switch (t) {
    case 'email_code':
      return {
        subject: 'Verify your email address',
        html: page(`${p('Your verification code is:')}<p style="font-size:24px"><strong>${escapeHtml(params.code ?? '')}</strong></p>${p(`It expires in ${params.minutes ?? '10'} minutes.`)}`),
      };
    case 'email_changed_old':
      return {
        subject: 'This is no longer your PostHog account email',
        html: page(p(`The email address of your PostHog account was changed from ${params.old_email ?? ''} to ${params.new_email ?? ''}.`) + p("If you didn't do this, contact support right away.")),
      };
    case 'email_changed_new':
      return {
        subject: 'This is your new PostHog account email',
        html: page(p(`Your PostHog account now uses ${params.new_email ?? ''} (it used ${params.old_email ?? ''}).`)),
      };
    case 'password_reset': {
      const link = escapeHtml(params.link ?? '');
      return {
        subject: 'Reset your PostHog password',
        html: page(`${p('Someone asked to reset the password of your PostHog account. If it was you, follow this link:')}<p><a href="${link}">${link}</a></p>${p("If it wasn't you, ignore this message.")}`, PASSWORD_RESET_PREHEADER),
      };
    }
    case 'password_changed':
      return { subject: 'Your password has been changed', html: page(p("Your PostHog account's password was changed. If you didn't do this, reset it right away.")) };
    case 'two_factor_enabled':
      return { subject: "You've enabled 2FA protection", html: page(p('Two-factor authentication is now on for your PostHog account.')) };
    case 'two_factor_disabled':
      return { subject: "You've disabled 2FA protection", html: page(p('Two-factor authentication is now off for your PostHog account.')) };
    case 'backup_code_used':
      return { subject: 'A backup code was used for your account', html: page(p('A backup code was used to log in to your PostHog account. Each code works once.')) };
    default: {
      const unknown: never = t;
      void unknown;
      return null;
    }
  }
}
