/**
 * The `iommuLens.*` settings: read from `initializationOptions.settings` (or `initializationOptions`
 * itself) and from `workspace/configuration`, normalised, and turned into analysis options.
 */
import type { Settings } from '../protocol/ext';

export const DEFAULT_SETTINGS: Settings = { includePaths: [], defines: [], kernel: '', profile: '', driverRoots: [], kconfig: '', config: '', buildContext: '' };

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const string = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Settings from anything a client sends (unknown keys ignored, wrong types treated as absent). */
export function normaliseSettings(raw: unknown): Settings {
	const o = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
	const src = (o.iommuLens && typeof o.iommuLens === 'object' ? o.iommuLens : o) as Record<string, unknown>;
	return {
		includePaths: strings(src.includePaths),
		defines: strings(src.defines),
		kernel: string(src.kernel).trim(),
		profile: string(src.profile),
		driverRoots: strings(src.driverRoots),
		kconfig: string(src.kconfig),
		config: string(src.config),
		buildContext: string(src.buildContext),
	};
}

/** `NAME` / `NAME=VALUE` to preprocessor defines; bad names are skipped and reported. */
export function parseDefines(list: readonly string[]): { defines: Array<{ name: string; value?: string }>; errors: string[] } {
	const defines: Array<{ name: string; value?: string }> = [];
	const errors: string[] = [];
	for (const def of list) {
		const eq = def.indexOf('=');
		const name = eq < 0 ? def : def.slice(0, eq);
		if (!/^[A-Za-z_]\w*$/.test(name)) errors.push(`iommuLens.defines: bad macro name in '${def}'`);
		else defines.push(eq < 0 ? { name } : { name, value: def.slice(eq + 1) });
	}
	return { defines, errors };
}
