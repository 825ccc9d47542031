import { bindingAccepts } from './correlation';

describe('bindingAccepts', () => {
  it.each([
    [undefined, undefined, true],
    [undefined, 'appointment/1', true],
    ['appointment/1', undefined, true],
    ['appointment/1', 'appointment/1', true],
    ['appointment/1', 'appointment/2', false],
    ['appointment/1', 'order/1', true],
    ['appointment/1', 'appointments/1', true],
    ['appointment/a/b', 'appointment/a/c', false],
    ['appointment', 'appointment/1', false],
    ['appointment', 'appointment', true],
  ])('instance %s, offered %s: %s', (instance, offered, accepted) => {
    expect(bindingAccepts(instance, offered)).toBe(accepted);
  });
});
