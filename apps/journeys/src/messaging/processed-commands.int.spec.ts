import { ReadModelStore } from '@journeys/read-models';
import { PROCESSED_COMMANDS_RETENTION_MS, ProcessedCommands } from './processed-commands';

describe('ProcessedCommands (real SQLite)', () => {
  it('keeps the first outcome of a command id and forgets ids past the retention', () => {
    const store = ReadModelStore.open(':memory:');
    const processed = new ProcessedCommands(store);
    const at = new Date('2026-11-28T10:00:00Z');
    const ok = { result: { commandId: 'c1', ok: true as const, result: { id: 'j1' } } };
    processed.save('c1', ok, at);
    processed.save('c1', { result: { commandId: 'c1', ok: true as const, result: { id: 'other' } } }, at);
    processed.save('c2', ok, new Date(at.getTime() + 1_000));
    expect(processed.get('c1')).toEqual(ok);
    expect(processed.get('missing')).toBeUndefined();

    const later = new Date(at.getTime() + PROCESSED_COMMANDS_RETENTION_MS + 500);
    expect(processed.prune(later)).toBe(1);
    expect(processed.get('c1')).toBeUndefined();
    expect(processed.get('c2')).toEqual(ok);
    store.close();
  });
});
