// The one logger. stdout belongs to the strfry protocol, so every log line goes to
// stderr, as one JSON object per line so that operators can filter it.

export type LogLevel = "debug" | "info" | "warn" | "error";
export type LogFields = Record<string, unknown>;

function write(level: LogLevel, msg: string, fields: LogFields = {}): void {
  const line = JSON.stringify({ time: new Date().toISOString(), level, msg, ...fields });
  process.stderr.write(line + "\n");
}

/** Read once: the policy logs (or not) at debug for every event. */
const debugEnabled = Boolean(process.env.GRASP_PURGATORY_DEBUG);

export const log = {
  debug: (msg: string, fields?: LogFields) => {
    if (debugEnabled) write("debug", msg, fields);
  },
  info: (msg: string, fields?: LogFields) => write("info", msg, fields),
  warn: (msg: string, fields?: LogFields) => write("warn", msg, fields),
  error: (msg: string, fields?: LogFields) => write("error", msg, fields),
};

export function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
