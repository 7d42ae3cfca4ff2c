import { describe, expect, it } from 'vitest';
import { busAddressCells, busSizeCells } from '../../../emulator/src/dt/props';
import { buildView } from '../../harness/dtview';

describe('busAddressCells / busSizeCells (of_bus_n_addr_cells / of_bus_n_size_cells)', () => {
	it('use the node own property, else inherit from the nearest ancestor, else 2/1', () => {
		const view = buildView({
			'#address-cells': [2],
			'#size-cells': [2],
			'soc@0': { '#address-cells': [1], 'bus@1': { 'dev@2': {} } },
		});
		const bare = buildView({ 'node@0': {} });
		expect([busAddressCells(view.root), busSizeCells(view.root)]).toEqual([2, 2]);
		expect([busAddressCells(view.byPath('/soc@0')!), busSizeCells(view.byPath('/soc@0')!)]).toEqual([1, 2]);
		expect([busAddressCells(view.byPath('/soc@0/bus@1/dev@2')!), busSizeCells(view.byPath('/soc@0/bus@1/dev@2')!)]).toEqual([1, 2]);
		expect([busAddressCells(bare.byPath('/node@0')!), busSizeCells(bare.byPath('/node@0')!)]).toEqual([2, 1]);
	});
});
