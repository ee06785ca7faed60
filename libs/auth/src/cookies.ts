/** Cookie and header names the web frontend relies on (Django's, which PostHog's frontend expects). */
export const SESSION_COOKIE = 'sessionid';
export const CSRF_COOKIE = 'csrftoken';
export const CSRF_HEADER = 'X-CSRFToken';
