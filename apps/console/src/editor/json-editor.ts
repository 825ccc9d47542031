import { basicSetup, EditorView } from 'codemirror';
import { jsonSchema } from 'codemirror-json-schema';
import { definitionSchema } from '../api/definition-schema';

/** A mounted JSON editor: read the text, replace it, remove the editor. */
export interface JsonEditor {
  text(): string;
  setText(text: string): void;
  destroy(): void;
}

/**
 * CodeMirror 6 with the definition's JSON Schema: completion of fields and values, hover help and
 * inline errors as you type. Loaded on demand (its own chunk) by the editor page.
 */
export async function mountJsonEditor(parent: HTMLElement, text: string, label: string): Promise<JsonEditor> {
  const schema = await definitionSchema();
  const view = new EditorView({
    doc: text,
    parent,
    extensions: [
      basicSetup,
      EditorView.lineWrapping,
      jsonSchema(schema as Parameters<typeof jsonSchema>[0]),
      EditorView.contentAttributes.of({ 'aria-label': label }),
    ],
  });
  return {
    text: () => view.state.doc.toString(),
    setText: (next) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } }),
    destroy: () => view.destroy(),
  };
}
