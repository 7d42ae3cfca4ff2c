/** `iommu-lens translate`: the address and stream chains of one node, as a hover shows them. */
import { dirname } from 'node:path';
import { iommu } from '../../../../emulator/src';
import { createFrontend } from '../../model/board';
import { toDtView } from '../../model/dtview';
import { defaultPlace, explainNode } from '../../model/explain';
import { formatOptions, parseArgs, UsageError, type OptionSpec } from '../args';
import { BOARD_OPTIONS, boardArg, boardOptions, EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, HELP_OPTION, KERNEL_OPTION, kernelArg, openBoard, type Io } from '../common';
import { probe } from '../../../../emulator/src';

const OPTIONS: OptionSpec[] = [
	...BOARD_OPTIONS,
	KERNEL_OPTION,
	{ name: 'rid', value: true, valueName: '0xNNNN', help: 'a PCI requester ID (bus << 8 | devfn) to translate through the node\'s iommu-map and msi-map' },
	HELP_OPTION,
];

export const TRANSLATE_HELP = `Usage: iommu-lens translate BOARD.dts NODE-PATH|LABEL [options]

Prints the chains the editor's hover shows for one node: its reg entries to CPU physical addresses
through every ranges, its DMA view (dma-ranges windows, coherency, bus_dma_limit, IOVAs when behind an
IOMMU), each iommus entry decoded (stream IDs matched, SMR/STE, context bank, group and who shares
it), its memory regions, and with --rid the iommu-map/msi-map translation of a PCI requester ID.

Options:
${formatOptions(OPTIONS)}

Examples:
  iommu-lens translate sdm845-db845c.dts /soc@0/remoteproc@17300000/glink-edge/fastrpc/compute-cb@3
  iommu-lens translate juno.dts pcie --rid 0x0100`;

export function translate(argv: readonly string[], io: Io): number {
	const args = parseArgs(argv, OPTIONS);
	if (args.flags.has('help')) {
		io.out(`${TRANSLATE_HELP}\n`);
		return EXIT_OK;
	}
	const [given, nodeRef] = boardArg(args, 'translate', 2) as [string, string];
	const ridText = args.values.get('rid')?.[0];
	let rid: bigint | undefined;
	if (ridText !== undefined) {
		if (!/^(0x[0-9a-fA-F]+|\d+)$/.test(ridText) || BigInt(ridText) > 0xffffn) throw new UsageError(`--rid ${ridText}: expected a 16-bit number like 0x0100`);
		rid = BigInt(ridText);
	}
	const kernel = kernelArg(args);
	const opened = openBoard(io, given);
	if (!opened) return EXIT_USAGE;
	const board = createFrontend(opened.fs).resolve(opened.file, boardOptions(args, opened.file, io.cwd));
	const view = toDtView(board.tree);
	const node = nodeRef.startsWith('/') ? view.byPath(nodeRef) : view.byLabel(nodeRef.replace(/^&/, ''));
	if (!node) {
		io.err(`iommu-lens: no node '${nodeRef}' in ${given}\n`);
		return EXIT_FINDINGS;
	}
	const version = kernel ? probe.parseKernelVersion(kernel) : probe.NEWEST_KERNEL;
	const topology = iommu.buildTopology(view, { era: { version: [version.major, version.minor] } });
	const sections = explainNode(view, node, { place: defaultPlace(dirname(opened.file)), topology, report: iommu.attach(topology), ...(rid !== undefined ? { rid } : {}) });
	const lines = [`${node.path}${node.labels.length ? ` (${node.labels.map((l) => `&${l}`).join(', ')})` : ''}`];
	for (const s of sections) lines.push('', `${s.title}:`, ...s.lines.map((l) => `  ${l}`));
	if (sections.length === 0) lines.push('', 'no reg, DMA, IOMMU or memory-region properties to translate');
	io.out(`${lines.join('\n')}\n`);
	return EXIT_OK;
}
