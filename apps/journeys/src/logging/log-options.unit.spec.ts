import { Writable } from 'node:stream';
import pino from 'pino';
import { logOptions, pathOf } from './log-options';

/** A pino logger built with the service's options, writing JSON lines into an array. */
function capture(): { logger: pino.Logger; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk, _encoding, done) {
      chunks.push(String(chunk));
      done();
    },
  });
  const params = logOptions('debug', 'json', false);
  const options = params.pinoHttp as pino.LoggerOptions;
  return {
    logger: pino({ level: options.level, redact: options.redact, formatters: options.formatters }, sink),
    lines: () =>
      chunks
        .join('')
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>),
  };
}

describe('logOptions', () => {
  it('writes JSON with level names and redacts keys and secrets wherever a record carries them', () => {
    const { logger, lines } = capture();
    logger.info(
      { req: { headers: { authorization: 'Bearer ops-admin-secret-0001', 'x-api-key': 'k-1' } }, password: 'p-1' },
      'a request',
    );
    logger.warn({ config: { apiKeys: 'ops:admin:ops-admin-secret-0001', secret: 's-1', port: 3000 } }, 'settings');
    const [request, settings] = lines();
    expect(request).toMatchObject({
      level: 'info',
      msg: 'a request',
      req: { headers: { authorization: '[redacted]', 'x-api-key': '[redacted]' } },
      password: '[redacted]',
    });
    expect(settings).toMatchObject({
      level: 'warn',
      config: { apiKeys: '[redacted]', secret: '[redacted]', port: 3000 },
    });
    expect(JSON.stringify(lines())).not.toMatch(/secret-0001|k-1|p-1|s-1/);
  });

  it('is JSON unless asked for pretty or writing to a terminal', () => {
    expect(Array.isArray(logOptions('info', 'auto', false).pinoHttp)).toBe(false);
    expect(Array.isArray(logOptions('info', 'auto', true).pinoHttp)).toBe(true);
    expect(Array.isArray(logOptions('info', 'pretty', false).pinoHttp)).toBe(true);
    expect(Array.isArray(logOptions('info', 'json', true).pinoHttp)).toBe(false);
  });

  it('logs request paths without their query, which may carry anything', () => {
    expect(pathOf('/journeys?token=ops-admin-secret-0001')).toBe('/journeys');
    expect(pathOf('/actions')).toBe('/actions');
  });
});
