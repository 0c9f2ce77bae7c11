import { accessSync, constants } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** Resolve a command on PATH the way execvp would, without spawning a shell. */
export function which(command: string, envPath: string | undefined = process.env.PATH): string | null {
  const check = (p: string) => {
    try {
      accessSync(p, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  };
  if (command.includes('/'))
    return isAbsolute(command) && check(command) ? command : check(command) ? command : null;
  for (const dir of (envPath ?? '').split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (check(candidate)) return candidate;
  }
  return null;
}
