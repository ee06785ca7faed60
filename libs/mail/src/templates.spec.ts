import { describe, expect, it } from '@jest/globals';
import { renderMail } from './templates.js';

const subject = (t: string) => renderMail(t, {})?.subject;

describe('mail templates (docs/api.md)', () => {
  it('escapes every parameter in the HTML', () => {
    const html = renderMail('email_changed_old', { old_email: '<b>a@x.io</b>', new_email: '"><script>x</script>@y.io' })!.html;
    expect(html).not.toContain('<script>');
    expect(html).not.toContain('<b>a@x.io');
    expect(html).toContain('&lt;b&gt;a@x.io&lt;/b&gt;');
    expect(renderMail('password_reset', { link: 'http://f.test/reset/u/t"onclick="x' })!.html).toContain('href="http://f.test/reset/u/t&quot;onclick=&quot;x"');
  });

  it('uses the subjects of docs/api.md and knows no other template', () => {
    expect(subject('email_code')).toBe('Verify your email address');
    expect(subject('email_changed_old')).toBe('This is no longer your PostHog account email');
    expect(subject('email_changed_new')).toBe('This is your new PostHog account email');
    expect(subject('password_reset')).toBe('Reset your PostHog password');
    expect(subject('password_changed')).toBe('Your password has been changed');
    expect(subject('two_factor_enabled')).toBe("You've enabled 2FA protection");
    expect(subject('two_factor_disabled')).toBe("You've disabled 2FA protection");
    expect(subject('backup_code_used')).toBe('A backup code was used for your account');
    expect(renderMail('nope', {})).toBeNull();
  });
});
