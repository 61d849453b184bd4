/** The exit codes scripts rely on (the README's table, under "Headless and scripted runs"), in one place. */
export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  SIGINT: 130,
  SIGTERM: 143,
  /** stdout or stderr closed by its reader (`| head`): 128 + SIGPIPE, what a shell reports for a tool killed by it. */
  EPIPE: 141,
} as const;

/** The code for leaving because of a signal, or undefined for any other stop reason. */
export function signalExitCode(reason: string | undefined): number | undefined {
  return reason === 'SIGINT' || reason === 'SIGTERM' ? EXIT[reason] : undefined;
}
