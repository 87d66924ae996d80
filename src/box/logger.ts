// The slice of a pino logger the Box client uses; pass the application's logger.
export interface BoxLogger {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
}

export const silentLogger: BoxLogger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
};
