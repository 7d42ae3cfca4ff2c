// The documentation link of a diagnostic's code: the server's own copy when the runtime has one,
// else the web address; each id looked up once.
import { describe, expect, it } from 'vitest';
import { docLinks } from '../../server/src/lsp/convert';
import { findingDocUri } from '../../server/src/node/finding-docs';
import { findingDocUrl } from '../../server/src/protocol/ext';

describe('docLinks', () => {
	it('links the local copy when there is one, the web address otherwise, and asks once per id', () => {
		const asked: string[] = [];
		const links = docLinks((id) => {
			asked.push(id);
			return id === 'smr-conflict' ? 'file:///docs/findings/smr-conflict.md' : undefined;
		});
		expect(links('smr-conflict')).toBe('file:///docs/findings/smr-conflict.md');
		expect(links('iommus-cells')).toBe(findingDocUrl('iommus-cells'));
		expect(links('smr-conflict')).toBe('file:///docs/findings/smr-conflict.md');
		expect(asked).toEqual(['smr-conflict', 'iommus-cells']);
		expect(docLinks(undefined)('x')).toBe(findingDocUrl('x'));
	});

	it('finds the repository\'s finding docs, and nothing for ids that are not file names', () => {
		expect(findingDocUri('smr-conflict')).toMatch(/^file:.*\/docs\/findings\/smr-conflict\.md$/);
		expect(findingDocUri('no-such-finding')).toBeUndefined();
		expect(findingDocUri('../package')).toBeUndefined();
	});
});
