/**
 * Fix: insert-property
 *
 * Fixes the findings whose remedy is a property the node lacks (fix data `add-property`: `node` or
 * `nodePath`, `property`, and `value` as devicetree source text): `#global-interrupts = <1>;` on an
 * SMMU (`smmu-config`), the channel name of a fastrpc node (`fastrpc-session`). Added in the board
 * file (`addPropertyInBoard`: inside the node's block there, else a new `&label { }` block), never in
 * a shared .dtsi. Not offered when the property is there already, or when the fix data gives no value
 * for a property that needs one (an `iommus` or `reg` the finding cannot know).
 *
 * Not for `add-empty-dma-ranges` (the `dma-ranges` finding): an empty `dma-ranges;` on one bus only
 * moves the problem to the next bus up when several levels lack it (the corpus has such chains, e.g.
 * imx8mm's spba-bus under bus@30800000), and changes the other levels' findings; the right edit is
 * the whole chain at once, which is a fix of its own still to write.
 */
import { addPropertyInBoard } from './edit';
import { str, type FixModule } from './fix';

export const insertProperty: FixModule = {
	id: 'insert-property',
	kinds: ['add-property'],
	offer({ snapshot, item, data, texts, tree }) {
		const path = str(data.node) ?? str(data.nodePath);
		const property = str(data.property);
		if (!path || !property || !/^[#a-zA-Z0-9,._+?-]+$/.test(property)) return [];
		const value = str(data.value);
		if (value === undefined || value === '') return [];
		const node = tree.nodeByPath(path);
		if (!node || node.property(property)) return [];
		const text = `${property} = ${value};`;
		const edits = addPropertyInBoard(texts, snapshot.board, node, text);
		return edits ? [{ title: `Add ${text} to ${path}`, fixes: item.id, edits, preferred: true }] : [];
	},
};
