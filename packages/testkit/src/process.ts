/**
 * @module process
 * A child process that a test owns: started, stopped (SIGTERM), killed (SIGKILL) and restarted
 * with the same arguments, its output kept for failure messages.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface ManagedProcessOptions {
  command: string;
  args: string[];
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Resolves when the process is ready to serve; rejects to fail the start. */
  ready: () => Promise<void>;
  /** Sees everything the process prints (stdout and stderr), for tests that check all of it. */
  onOutput?: (text: string) => void;
}

/** A restartable child process with captured output. */
export class ManagedProcess {
  private child: ChildProcess | undefined;
  private output: string[] = [];

  constructor(private readonly options: ManagedProcessOptions) {}

  /** Spawn the process and wait until `ready` resolves. */
  async start(): Promise<void> {
    if (this.child) return;
    const child = spawn(this.options.command, this.options.args, {
      env: this.options.env ?? process.env,
      cwd: this.options.cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    const keep = (chunk: Buffer) => {
      this.output.push(chunk.toString());
      if (this.output.length > 400) this.output.splice(0, 200);
      this.options.onOutput?.(chunk.toString());
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    const exited = new Promise<never>((_, reject) => {
      child.once('exit', (code, signal) => {
        if (this.child === child) this.child = undefined;
        reject(
          new Error(
            `${this.options.command} exited (${code ?? signal}) before ready:\n${this.recentOutput()}`,
          ),
        );
      });
      child.once('error', reject);
    });
    exited.catch(() => undefined);
    await Promise.race([this.options.ready(), exited]);
  }

  /** Stop with `signal` and wait for the exit. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child) return;
    this.child = undefined;
    if (child.exitCode !== null || child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => child.kill('SIGKILL'), 10_000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill(signal);
    });
  }

  /** Kill without a chance to clean up. */
  kill(): Promise<void> {
    return this.stop('SIGKILL');
  }

  /** Stop, then start again with the same arguments. */
  async restart(): Promise<void> {
    await this.stop();
    await this.start();
  }

  get running(): boolean {
    return this.child !== undefined;
  }

  get pid(): number | undefined {
    return this.child?.pid;
  }

  /** The last lines the process printed. */
  recentOutput(): string {
    return this.output.join('').split('\n').slice(-60).join('\n');
  }
}
