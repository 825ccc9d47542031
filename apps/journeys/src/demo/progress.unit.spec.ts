import { PassThrough } from 'node:stream';
import { progress } from './progress';

function output(isTTY: boolean): { stream: NodeJS.WriteStream; text: () => string } {
  const stream = new PassThrough() as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY, columns: 80, cursorTo: () => true, clearLine: () => true, moveCursor: () => true });
  let text = '';
  (stream as unknown as PassThrough).on('data', (chunk) => (text += String(chunk)));
  return { stream, text: () => text };
}

describe('progress', () => {
  it('writes a few plain lines when the output is not a terminal', () => {
    const out = output(false);
    const bar = progress('Sign-ups', 1000, out.stream);
    for (let done = 100; done <= 1000; done += 100) bar.update(done);
    bar.stop();
    expect(out.text()).toBe('Sign-ups: 300/1000\nSign-ups: 500/1000\nSign-ups: 800/1000\nSign-ups: 1000/1000\n');
  });

  it('draws a bar on a terminal', () => {
    const out = output(true);
    const bar = progress('Clicks', 10, out.stream);
    bar.update(10);
    bar.stop();
    expect(out.text()).toContain('Clicks [');
    expect(out.text()).toContain('10/10');
    expect(out.text()).not.toContain('\nClicks: ');
  });
});
