// Every link of README and the guides (docs/*.md) points at something that exists: a file of the
// repository, and for `#anchor` a heading of that page (GitHub's slugs). External links are not
// fetched. Also: no ticket words in the product's pages.
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

// A ticket number or "the" + ticket, spelled in parts so that this file does not match itself.
const TICKET = ['is', 'sue'].join('');
const TICKET_WORDS = new RegExp(`${TICKET} ?[0-9]|the ${TICKET}`, 'i');
const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PAGES = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces to dashes, repeats numbered. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const result = new Set<string>();
  const text = markdown.replace(/^```[\s\S]*?^```/gm, '');
  for (const match of text.matchAll(/^#{1,6} +(.+?) *$/gm)) {
    const slug = match[1]!.toLowerCase().replace(/`/g, '').replace(/[^\p{L}\p{N}\s_-]/gu, '').replace(/ /g, '-');
    const count = seen.get(slug) ?? 0;
    seen.set(slug, count + 1);
    result.add(count ? `${slug}-${count}` : slug);
  }
  return result;
}

/** The targets of inline links and images, outside code. */
function links(markdown: string): string[] {
  const text = markdown.replace(/^```[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '');
  return [...text.matchAll(/!?\[[^\]]*\]\(([^)\s]+)\)/g)].map((match) => match[1]!);
}

describe('links and anchors of README and the guides', () => {
  it('finds the pages', () => assert.ok(PAGES.length >= 15, PAGES.join(', ')));

  for (const page of PAGES) {
    it(`${page}: every relative link and anchor resolves`, () => {
      const markdown = readFileSync(join(ROOT, page), 'utf8');
      const broken: string[] = [];
      for (const target of links(markdown)) {
        if (/^[a-z]+:/i.test(target)) continue; // http(s), mailto: not fetched
        const [path, anchor] = target.split('#') as [string, string | undefined];
        const file = path ? join(dirname(join(ROOT, page)), decodeURIComponent(path)) : join(ROOT, page);
        if (!existsSync(file)) {
          broken.push(`${target} (no file ${relative(ROOT, file)})`);
          continue;
        }
        if (anchor !== undefined && file.endsWith('.md') && !anchors(readFileSync(file, 'utf8')).has(anchor)) {
          broken.push(`${target} (no heading #${anchor} in ${relative(ROOT, file)})`);
        }
      }
      assert.deepEqual(broken, []);
    });
  }

  it('the anchor rule matches GitHub on headings with code and punctuation', () => {
    assert.deepEqual([...anchors("# A\n## The helper: `janus-keeper/peer`\n## Symptom -> cause -> fix\n## A\n")],
      ['a', 'the-helper-janus-keeperpeer', 'symptom---cause---fix', 'a-1']);
  });

  it('no page speaks of tickets', () => {
    for (const page of [...PAGES, 'CHANGELOG.md']) {
      const text = readFileSync(join(ROOT, page), 'utf8').replace(/^\[[^\]]+\]: \S+$/gm, '');
      assert.doesNotMatch(text, TICKET_WORDS, page);
    }
  });
});
