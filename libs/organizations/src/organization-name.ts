import { z } from 'zod';

/** An organization's name: trimmed, 1 to 64 characters. */
export const organizationName = z.string().trim().min(1).max(64);
