/**
 * A small, strict command-line parser. The options, their spellings and the exit codes are a
 * contract with users' CI scripts: change them only by adding.
 *
 * Accepted forms: `--name value`, `--name=value`, `-X value`, `-Xvalue` (one-letter options, as cpp
 * takes `-Iinclude`), flags (`--json`), repeated options (collected in order), `--` ends options.
 */

export interface OptionSpec {
	/** Long name without dashes, e.g. `include`. */
	name: string;
	/** One-letter alias without dash, e.g. `I`. */
	short?: string;
	/** Takes a value (otherwise a flag). */
	value?: boolean;
	/** May be given several times (values collected in order). */
	repeat?: boolean;
	/** For `--help`: the value's name and what the option does. */
	valueName?: string;
	help: string;
}

export interface ParsedArgs {
	positionals: string[];
	values: Map<string, string[]>;
	flags: Set<string>;
}

/** A usage error: the message names the bad argument. Exit code 2. */
export class UsageError extends Error {}

export function parseArgs(argv: readonly string[], specs: readonly OptionSpec[]): ParsedArgs {
	const byLong = new Map(specs.map((s) => [s.name, s]));
	const byShort = new Map(specs.filter((s) => s.short).map((s) => [s.short as string, s]));
	const res: ParsedArgs = { positionals: [], values: new Map(), flags: new Set() };
	const put = (spec: OptionSpec, value: string): void => {
		const list = res.values.get(spec.name) ?? [];
		if (list.length > 0 && !spec.repeat) throw new UsageError(`option --${spec.name} given more than once`);
		list.push(value);
		res.values.set(spec.name, list);
	};
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i] as string;
		if (arg === '--') {
			res.positionals.push(...argv.slice(i + 1));
			break;
		}
		let spec: OptionSpec | undefined;
		let inline: string | undefined;
		if (arg.startsWith('--')) {
			const eq = arg.indexOf('=');
			const name = eq < 0 ? arg.slice(2) : arg.slice(2, eq);
			inline = eq < 0 ? undefined : arg.slice(eq + 1);
			spec = byLong.get(name);
			if (!spec) throw new UsageError(`unknown option '${arg}'`);
		} else if (arg.startsWith('-') && arg.length > 1) {
			spec = byShort.get(arg[1] as string);
			if (!spec) throw new UsageError(`unknown option '${arg}'`);
			if (arg.length > 2) {
				if (!spec.value) throw new UsageError(`option '-${spec.short}' takes no value (in '${arg}')`);
				inline = arg.slice(2);
			}
		} else {
			res.positionals.push(arg);
			continue;
		}
		if (spec.value) {
			let value = inline;
			if (value === undefined) {
				if (i + 1 >= argv.length) throw new UsageError(`option '${arg}' needs a value (${spec.valueName ?? 'VALUE'})`);
				value = argv[++i] as string;
			}
			put(spec, value);
		} else {
			if (inline !== undefined) throw new UsageError(`option '--${spec.name}' takes no value (in '${arg}')`);
			res.flags.add(spec.name);
		}
	}
	return res;
}

/** The options part of a `--help` text. */
export function formatOptions(specs: readonly OptionSpec[]): string {
	const rows = specs.map((s) => {
		const names = [s.short ? `-${s.short}` : undefined, `--${s.name}`].filter(Boolean).join(', ');
		return [`${names}${s.value ? ` ${s.valueName ?? 'VALUE'}` : ''}`, s.help] as const;
	});
	const width = Math.max(...rows.map(([left]) => left.length));
	return rows.map(([left, help]) => `  ${left.padEnd(width)}  ${help}`).join('\n');
}
