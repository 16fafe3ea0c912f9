// Commands throw these; only the CLI's main() turns them into an exit code and one line.

export const ExitCode = {
  failure: 1,
  usage: 64,
  notFound: 66,
  unavailable: 69,
  config: 78,
} as const;

export class GraspError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode: number = ExitCode.failure) {
    super(message);
    this.name = new.target.name;
    this.exitCode = exitCode;
  }
}

/** A missing or invalid setting; the message names the setting and how to fix it. */
export class ConfigError extends GraspError {
  constructor(message: string) {
    super(message, ExitCode.config);
  }
}
