// The logging surface jobs/ needs; an InvocationContext and the console both satisfy it.
export interface JobLogger {
  info(...args: unknown[]): void;
  warn(...args: unknown[]): void;
  error(...args: unknown[]): void;
}

export const consoleLogger: JobLogger = console;
