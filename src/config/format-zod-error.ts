import type { z } from 'zod';

/** One line per problem: `file: key.path: what is wrong` — what a person needs to fix a config file. */
export function formatZodError(file: string, error: z.ZodError): string {
  const lines = error.issues.map((issue) => {
    const path = issue.path.length > 0 ? issue.path.map(String).join('.') : '(top level)';
    return `${file}: ${path}: ${issue.message}`;
  });
  return lines.join('\n');
}
