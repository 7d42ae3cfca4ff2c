/** `iommu-lens simulate`: the probe-order simulation of a board, with what-ifs. */
import { resolve } from 'node:path';
import { probe, scenario as scenarios } from '../../../../emulator/src';
import { boardsArch } from '../../drivers/kconfig/arch';
import { createFrontend } from '../../model/board';
import { analyseBoard } from '../../model/analysis';
import { readDriverSourcesFromDisk } from '../../node/c-extractor';
import { formatOptions, parseArgs, UsageError, type OptionSpec } from '../args';
import {
	BOARD_OPTIONS,
	boardArg,
	DRIVER_OPTIONS,
	driverArgs,
	boardOptions,
	displayPath,
	EXIT_OK,
	EXIT_USAGE,
	HELP_OPTION,
	KERNEL_OPTION,
	kernelArg,
	openBoard,
	toJson,
	type Io,
} from '../common';
import { buildGraph, toDot, toMermaid } from '../graph';

const OPTIONS: OptionSpec[] = [
	...BOARD_OPTIONS,
	KERNEL_OPTION,
	...DRIVER_OPTIONS,
	{ name: 'what-if', value: true, repeat: true, valueName: 'WHAT', help: 'a what-if (repeatable): disable=NODE, enable=NODE, driver=NAME:y|m|n, unload=NAME, order=NAME,NAME..., passthrough, disable-bypass=0|1, timeout=SECONDS' },
	{ name: 'format', value: true, valueName: 'text|json|dot|mermaid', help: 'output format (default text); dot (Graphviz) and mermaid draw masters → IOMMUs → memory, remote processors, rpmsg channels, compute contexts and the probe timeline' },
	HELP_OPTION,
];

export const SIMULATE_HELP = `Usage: iommu-lens simulate BOARD.dts [options]

Simulates how the kernel probes the board's IOMMUs and their masters, over every order the kernel
could take, and prints per IOMMU its driver and what it claimed, per master its outcome(s) —
translated by which IOMMU, bypass, blocked or deferred forever — and whether that depends on the
order, then the timeline of the default order. NODE is a path (/soc@0/iommu@15000000) or a label.

Options:
${formatOptions(OPTIONS)}

Examples:
  iommu-lens simulate juno.dts --kernel 5.10
  iommu-lens simulate board.dts --what-if disable=apps_smmu --what-if driver=arm-smmu:m --format json
  iommu-lens simulate board.dts --kernel 5.10 --format dot | dot -Tsvg > topology.svg
  iommu-lens simulate board.dts --format mermaid > topology.mmd`;

/** A scenario from `--what-if` values; a usage error names the bad one. */
export function parseWhatIfs(values: readonly string[]): Omit<scenarios.Scenario, 'kernel'> {
	const disable: string[] = [];
	const enable: string[] = [];
	const drivers: Record<string, probe.BuildState> = {};
	const unloaded: string[] = [];
	let order: string[] | undefined;
	let passthrough: boolean | undefined;
	let disableBypass: boolean | undefined;
	let timeout: number | undefined;
	for (const raw of values) {
		const eq = raw.indexOf('=');
		const key = eq < 0 ? raw : raw.slice(0, eq);
		const value = eq < 0 ? undefined : raw.slice(eq + 1);
		const need = (): string => {
			if (!value) throw new UsageError(`--what-if ${raw}: ${key} needs a value (${key}=...)`);
			return value;
		};
		switch (key) {
			case 'disable':
				disable.push(need());
				break;
			case 'enable':
				enable.push(need());
				break;
			case 'driver': {
				const m = /^([\w.-]+):([ymn])$/.exec(need());
				if (!m) throw new UsageError(`--what-if ${raw}: expected driver=NAME:y|m|n`);
				drivers[m[1] as string] = m[2] as probe.BuildState;
				break;
			}
			case 'unload':
				unloaded.push(need());
				break;
			case 'order':
				order = need().split(',').filter(Boolean);
				break;
			case 'passthrough':
				if (value !== undefined && value !== '0' && value !== '1') throw new UsageError(`--what-if ${raw}: passthrough takes 0 or 1`);
				passthrough = value !== '0';
				break;
			case 'disable-bypass':
				if (value !== '0' && value !== '1') throw new UsageError(`--what-if ${raw}: expected disable-bypass=0|1`);
				disableBypass = value === '1';
				break;
			case 'timeout': {
				const n = Number(need());
				if (!Number.isInteger(n) || n < -1) throw new UsageError(`--what-if ${raw}: timeout is whole seconds, or -1 to wait forever`);
				timeout = n;
				break;
			}
			default:
				throw new UsageError(`--what-if ${raw}: unknown what-if '${key}' (disable, enable, driver, unload, order, passthrough, disable-bypass, timeout)`);
		}
	}
	return {
		...(disable.length ? { disable } : {}),
		...(enable.length ? { enable } : {}),
		...(Object.keys(drivers).length ? { drivers } : {}),
		...(unloaded.length ? { unloadedModules: unloaded } : {}),
		...(order ? { iommuDriverOrder: order } : {}),
		...(passthrough !== undefined ? { iommuPassthrough: passthrough } : {}),
		...(disableBypass !== undefined ? { armSmmuDisableBypass: disableBypass } : {}),
		...(timeout !== undefined ? { deferredProbeTimeout: timeout } : {}),
	};
}

export function simulate(argv: readonly string[], io: Io): number | Promise<number> {
	const args = parseArgs(argv, OPTIONS);
	if (args.flags.has('help')) {
		io.out(`${SIMULATE_HELP}\n`);
		return EXIT_OK;
	}
	const [given] = boardArg(args, 'simulate') as [string];
	const format = args.values.get('format')?.[0] ?? 'text';
	if (!['text', 'json', 'dot', 'mermaid'].includes(format)) throw new UsageError(`--format must be text, json, dot or mermaid, not '${format}'`);
	const kernel = kernelArg(args);
	const whatIf = parseWhatIfs(args.values.get('what-if') ?? []);
	const opened = openBoard(io, given);
	if (!opened) return EXIT_USAGE;
	const driverOptions = driverArgs(args);
	// The Kconfig tree is read for the architecture of the board when it lies in it (unless ARCH is set).
	const boardArch = driverOptions?.kconfig !== undefined ? boardsArch(resolve(io.cwd, driverOptions.kconfig), [opened.file]) : undefined;
	const drivers = driverOptions && boardArch !== undefined ? { ...driverOptions, boardArch } : driverOptions;
	const run = (sources?: Awaited<ReturnType<typeof readDriverSourcesFromDisk>>): number => {
	const analysis = analyseBoard(createFrontend(opened.fs), opened.file, { ...boardOptions(args, opened.file, io.cwd), ...(kernel ? { kernel } : {}), whatIf, ...(sources ? { drivers: sources } : {}) });
	const { result, errors } = analysis.simulation;
	for (const e of errors) io.err(`iommu-lens: what-if not applied: ${e}\n`);
	if (format === 'json') {
		io.out(`${toJson({ board: displayPath(opened.file, io.cwd), ...result, whatIfErrors: errors }, io.cwd)}\n`);
		return EXIT_OK;
	}
	if (format === 'dot' || format === 'mermaid') {
		const graph = buildGraph(result, analysis.view, displayPath(opened.file, io.cwd));
		io.out(format === 'dot' ? toDot(graph) : toMermaid(graph));
		return EXIT_OK;
	}
	io.out(renderText(result, opened.file, io.cwd));
	return EXIT_OK;
	};
	if (!drivers) return run();
	return readDriverSourcesFromDisk(drivers, io.cwd).then(run, (error: unknown) => {
		io.err(`iommu-lens: ${error instanceof Error ? error.message : String(error)}\n`);
		return EXIT_USAGE;
	});
}

function renderText(result: probe.ProbeResult, file: string, cwd: string): string {
	const lines: string[] = [];
	lines.push(`${displayPath(file, cwd)}: kernel ${result.version} (${probe.ERA_DESCRIPTIONS[result.era]}), deferred_probe_timeout ${result.deferredProbeTimeout < 0 ? 'forever' : `${result.deferredProbeTimeout} s`}`);
	lines.push('', `IOMMUs (${result.instances.length}):`);
	for (const i of result.instances) {
		const states = i.states.length > 1 ? ` (over all orders: ${i.states.join(' | ')})` : '';
		lines.push(`  ${i.path}  [${i.compatibles[0] ?? '?'}]  driver ${i.driver ?? 'none'}: ${i.state}${states}`);
	}
	const buses = result.buses.filter((b) => b.candidates.length > 0);
	if (buses.length > 0) {
		lines.push('', 'Per-bus IOMMU ops (bus_set_iommu):');
		for (const b of buses) lines.push(`  ${b.bus}: owner ${b.owner ?? 'none'}${b.possibleOwners.length > 1 ? `, possible owners ${b.possibleOwners.join(', ')} (decided by ${b.decidedBy})` : ''}`);
	}
	lines.push('', `Masters (${result.masters.length}):`);
	for (const m of result.masters) {
		lines.push(`  ${m.path}: ${scenarios.describeOutcome(m.outcome)}${m.orderDependent ? '  [ORDER-DEPENDENT]' : ''}`);
		if (m.orderDependent) for (const o of m.outcomes) lines.push(`      ${scenarios.describeOutcome(o.outcome)} — ${o.witness.description}`);
	}
	lines.push('', 'Timeline (default order):');
	for (const s of result.steps) lines.push(`  ${String(s.seq).padStart(3)} ${s.at.padEnd(22)} ${s.action.padEnd(16)} ${s.detail}`);
	lines.push('', `(${result.explored} states explored)`);
	return `${lines.join('\n')}\n`;
}
