// README's TypeScript blocks, each as a module of its own. A block may need names it does not
// define (a callback of the app, a variable from the block before): an HTML comment right before
// it, `<!-- prelude: declare ... -->`, declares them (hidden when the README is rendered);
// `<!-- lib: webworker -->` compiles a service worker's block with the worker lib instead of the DOM.
export interface ReadmeBlock {
  line: number;
  code: string;
  prelude: string;
  lib: 'dom' | 'webworker';
}

const BLOCK = /^([ \t]*)((?:<!-- (?:prelude|lib): [\s\S]*? -->\n[ \t]*)*)```ts\n([\s\S]*?)^[ \t]*```$/gm;
const NOTE = /<!-- (prelude|lib): ([\s\S]*?) -->/g;

export function readmeBlocks(markdown: string): ReadmeBlock[] {
  const blocks: ReadmeBlock[] = [];
  for (const match of markdown.matchAll(BLOCK)) {
    const indent = match[1]!.length;
    const code = match[3]!.split('\n').map((line) => line.slice(Math.min(indent, line.search(/\S|$/)))).join('\n');
    const notes = new Map([...match[2]!.matchAll(NOTE)].map((note) => [note[1]!, note[2]!]));
    blocks.push({ line: markdown.slice(0, match.index).split('\n').length, code, prelude: notes.get('prelude') ?? '',
      lib: notes.get('lib') === 'webworker' ? 'webworker' : 'dom' });
  }
  return blocks;
}

/** Every ```ts fence in the file, to prove that none was missed by the pattern above. */
export function countTsFences(markdown: string): number {
  return (markdown.match(/^[ \t]*```ts$/gm) ?? []).length;
}
