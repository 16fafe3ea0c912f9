// One line of `doctor`: what was checked, whether it holds, and what to do when it does not.

export interface Check {
  name: string;
  ok: boolean;
  detail: string;
  /** What to do when it failed. */
  fix: string | undefined;
}

export const pass = (name: string, detail: string): Check => ({ name, ok: true, detail, fix: undefined });
export const fail = (name: string, detail: string, fix: string): Check => ({ name, ok: false, detail, fix });

/** `grasp-purgatory`, with the --config the operator gave, for fixes to copy. */
export function commandLine(configFile: string | undefined, command: string): string {
  return `grasp-purgatory${configFile === undefined ? "" : ` --config ${configFile}`} ${command}`;
}
