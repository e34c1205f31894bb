import { execFileSync } from 'node:child_process';

/**
 * `npm start` runs us as npm → sh -c → tsx → node. A SIGTERM sent to npm alone (`kill $!` after
 * `npm start &` in a script) kills sh, which forwards nothing, and the stack would run on
 * orphaned, holding its ports. So we watch sh (our grandparent; tsx is our parent) and treat its
 * end as a stop request. Run directly from a shell, the grandparent is that shell, which is
 * equally a fine reason to stop.
 */
export function watchLauncher(onGone: () => void, intervalMs = 1000): void {
  if (process.platform === 'win32') return;
  let grandparent: number;
  try {
    grandparent = Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(process.ppid)], { encoding: 'utf8' }).trim());
  } catch {
    return; // No ps: nothing to watch; signals still work.
  }
  if (!Number.isInteger(grandparent) || grandparent <= 1) return;
  const timer = setInterval(() => {
    try {
      process.kill(grandparent, 0);
    } catch (error) {
      // EPERM means it exists but belongs to someone else: only ESRCH means gone.
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') {
        clearInterval(timer);
        onGone();
      }
    }
  }, intervalMs);
  timer.unref();
}
