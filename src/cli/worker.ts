// `gomem worker --queue redis://… [--jobs N]`: runs the configurations of
// `gomem whatif --queue` sweeps, taken from a BullMQ queue on Redis. The
// work is in whatif_queue.ts, loaded only when the command runs (BullMQ and
// ioredis are not loaded for help or for any other command).

import type { Command } from 'commander';

export function registerWorker(program: Command, setExit: (code: number) => void): void {
  program
    .command('worker')
    .description('run the configurations of `gomem whatif --queue` sweeps, taken from a BullMQ queue on Redis, until Ctrl-C')
    .option('--queue <URL>', 'the Redis the sweeps enqueue on: redis://host:port[/db]')
    .option('--jobs <N>', "configurations run at once, each on a worker thread (default: the machine's cores)")
    .addHelpText(
      'after',
      `
Every machine needs the same gomem version and each program file at the
same path as the machine that started the sweep. Ctrl-C (or SIGTERM) takes
no more configurations and stops when the running ones are done; a second
one stops at once. docs/whatif.md, "A queue of machines: Redis".

  gomem worker --queue redis://10.0.0.5:6379 --jobs 8
  gomem whatif svc.json --gogc 50,100,200 --queue redis://10.0.0.5:6379`,
    )
    .action(async (flags: { queue?: string; jobs?: string }) => {
      const { workerCommand } = await import('./whatif_queue.ts');
      setExit(await workerCommand(flags));
    });
}
